//! Short labels for the facts of `facts.rs`, in English and Chinese, for
//! evidence shown to people (reports, the page): "interactions with the chain,
//! last 90 days = 20" instead of `interactions_90d = 20`.

/// (fact, English, Chinese).
pub const FACT_LABELS: &[(&str, &str, &str)] = &[
    ("key_person", "key-person score", "关键人指标"),
    ("decision_chain", "decision-chain score", "决策链指标"),
    ("account", "account score", "客户指标"),
    ("employee", "our-people (bench) score", "我方员工指标"),
    ("our_company", "our-company score", "我方公司指标"),
    ("competitor", "competitor position score", "竞争对手指标"),
    (
        "amount",
        "deal amount, in its currency",
        "商机金额（原币种）",
    ),
    ("chain_size", "people in the decision chain", "决策链人数"),
    ("key_people", "key people", "关键人人数"),
    (
        "required_roles_missing",
        "required buying roles not identified",
        "尚未识别的必需采购角色",
    ),
    (
        "required_roles_open",
        "required buying roles still open",
        "仍空缺的必需采购角色",
    ),
    (
        "single_threaded_key_people",
        "key people on a single thread",
        "只有我方单线关系的关键人",
    ),
    (
        "uncovered_key_people",
        "key people with no real tie of ours",
        "我方尚未真正建立关系的关键人",
    ),
    (
        "competitor_ahead_key_people",
        "key people where a competitor is ahead",
        "竞争对手领先我方的关键人",
    ),
    (
        "cooling_key_people",
        "key people whose best tie is going cold",
        "最强关系正在变冷的关键人",
    ),
    (
        "champions",
        "champions in the chain",
        "决策链中的坚定支持者",
    ),
    ("opponents", "opponents in the chain", "决策链中的反对者"),
    (
        "competitors_in_play",
        "competitors in play",
        "参与竞争的对手",
    ),
    (
        "interactions_30d",
        "interactions with the chain, last 30 days",
        "近30天与决策链的互动",
    ),
    (
        "interactions_90d",
        "interactions with the chain, last 90 days",
        "近90天与决策链的互动",
    ),
    (
        "days_since_last_interaction",
        "days since last contact with the chain",
        "距上次与决策链互动的天数",
    ),
    (
        "days_in_stage",
        "days in the current stage",
        "当前阶段已停留天数",
    ),
    (
        "expected_days",
        "expected days in the stage",
        "本阶段预期停留天数",
    ),
    (
        "stage_overdue_ratio",
        "days in stage as a multiple of expected",
        "阶段停留天数与预期天数之比",
    ),
    (
        "usual_days_in_stage",
        "usual days in this stage, past deals",
        "以往项目在本阶段的通常天数",
    ),
    (
        "stall_ratio",
        "days in stage as a multiple of usual",
        "阶段停留天数与以往通常天数之比",
    ),
    ("win_probability", "win probability", "赢单概率"),
    (
        "support_needs_unrequested",
        "support needed but not requested",
        "需要但尚无人申请的支持",
    ),
    ("stage_index", "stage number, from 0", "阶段序号（从0起）"),
    (
        "win_steps_missing",
        "required win steps of the stage not done",
        "本阶段未完成的必做赢单步骤",
    ),
    (
        "days_to_expected_sign",
        "days to the expected signing date",
        "距预计签约日期天数",
    ),
    (
        "has_expected_sign_date",
        "expected signing date set",
        "已设定预计签约日期",
    ),
    (
        "expected_sign_date_passed",
        "expected signing date passed",
        "预计签约日期已过",
    ),
    (
        "decision_maker_identified",
        "decision maker identified",
        "已识别决策者",
    ),
    (
        "decision_maker_strength",
        "our tie to the decision maker (weakest), 0-5",
        "我方与决策者的关系强度（取最弱，0-5）",
    ),
    (
        "decision_maker_competitor_strength",
        "best competitor tie to a decision maker, 0-5",
        "竞争对手与决策者的最强关系（0-5）",
    ),
    (
        "decision_maker_competitor_ahead",
        "a competitor is ahead with the decision maker",
        "竞争对手在决策者处领先",
    ),
    (
        "technical_evaluator_strength",
        "our best tie to a technical evaluator, 0-5",
        "我方与技术评估者的最强关系（0-5）",
    ),
    (
        "financial_evaluator_strength",
        "our best tie to a financial evaluator, 0-5",
        "我方与财务评估者的最强关系（0-5）",
    ),
    (
        "procurement_strength",
        "our best tie to procurement, 0-5",
        "我方与采购部门的最强关系（0-5）",
    ),
    ("coach_identified", "coach identified", "已找到教练"),
    (
        "executive_engaged",
        "an executive of ours engaged in the chain",
        "我方高层已对接决策链高层",
    ),
    ("has_ar", "AR in place", "AR已到位"),
    ("has_sr", "SR in place", "SR已到位"),
    ("has_fr", "FR in place", "FR已到位"),
    (
        "iron_triangle",
        "iron triangle (AR, SR, FR) complete",
        "铁三角（AR、SR、FR）已到位",
    ),
    ("is_strategic", "strategic account", "战略客户"),
    (
        "departed_owner",
        "the deal's owner has left",
        "商机负责人已离职",
    ),
    ("open_deal", "deal open (not won or lost)", "商机进行中"),
    ("won", "deal won", "已赢单"),
    ("lost", "deal lost", "已丢单"),
    (
        "worth_winning_no",
        "someone answered no to 'worth winning?'",
        "有人判断“不值得赢”",
    ),
    (
        "worth_winning_answer_no",
        "'worth winning?' no (recorded or suggested)",
        "“值不值得赢”为否（已记录或数据建议）",
    ),
    (
        "questions_due_open",
        "four questions due and not yes",
        "四个问题中到期未答“是”的个数",
    ),
    (
        "owner_active",
        "owner active through the signing",
        "负责人在职至签约",
    ),
    (
        "decision_maker_attitude",
        "decision maker's attitude (lowest), -2 to 2",
        "决策者对我方的态度（取最低，-2至2）",
    ),
    ("health", "deal health, 0-100", "健康度（0-100）"),
    (
        "exit_criteria_unmet",
        "exit criteria of the stage not met",
        "未满足的阶段准出标准",
    ),
    (
        "champion_moved",
        "a champion has moved to another account",
        "坚定支持者已调往其他客户",
    ),
    (
        "moved_doors",
        "moved chain members we still have ties to",
        "调走后仍与我方有关系的决策链成员",
    ),
    (
        "leaving_employees",
        "our people leaving before the signing",
        "签约前将离职的我方员工",
    ),
    (
        "support_requested",
        "support requests, not cancelled or declined",
        "支持申请（不含已取消或已拒绝）",
    ),
    ("budget_status", "budget status", "预算状态"),
    ("budget_confirmed", "budget confirmed", "预算已确认"),
    (
        "budget_unconfirmed",
        "budget not confirmed (unapproved or frozen)",
        "预算未确认（未批准或已冻结）",
    ),
    ("budget_unknown", "budget unknown", "预算情况不清楚"),
    (
        "budget_below_amount",
        "budget below the deal amount",
        "预算低于商机金额",
    ),
    (
        "has_compelling_event",
        "compelling event recorded",
        "已记录关键事件",
    ),
    (
        "days_to_compelling_event",
        "days to the compelling event",
        "距关键事件天数",
    ),
    ("tier", "account tier", "客户级别"),
    ("stage", "current stage", "当前阶段"),
    ("people", "people mapped at the account", "已录入的客户人员"),
    (
        "departments",
        "departments with people mapped",
        "已录入人员的部门",
    ),
    (
        "tied_people",
        "people with a real tie of ours",
        "已与我方建立关系的客户人员",
    ),
    ("open_opportunities", "open opportunities", "进行中的商机"),
    (
        "single_threaded_people",
        "top-level key people on one thread or none",
        "单线或无联系的高层关键人",
    ),
    (
        "executive_sponsor",
        "an executive of ours tied to their top level",
        "我方高层已与客户高层建立关系",
    ),
];

/// The label of `fact` in English or Chinese; the id itself when unknown.
pub fn fact_label(fact: &str, zh: bool) -> &str {
    FACT_LABELS
        .iter()
        .find(|(f, _, _)| *f == fact)
        .map_or(fact, |(_, en, cn)| if zh { cn } else { en })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::methodology::facts::{ACCOUNT_FACTS, OPPORTUNITY_FACTS};

    #[test]
    fn every_fact_has_a_label_in_both_languages() {
        for (fact, _, _) in OPPORTUNITY_FACTS.iter().chain(ACCOUNT_FACTS) {
            let found = FACT_LABELS.iter().find(|(f, _, _)| f == fact);
            let (_, en, zh) = found.unwrap_or_else(|| panic!("{fact} has no label"));
            assert!(!en.is_empty() && !zh.is_empty(), "{fact}");
            assert!(
                !en.contains('_') && !zh.contains('_'),
                "{fact}: a label, not an id"
            );
        }
    }
}
