//! Rows converted from records and not yet written, each with its line.

use super::*;

/// Rows converted from records not yet written, and the line each came from.
pub(super) struct Chunk {
    pub(super) data: Export,
    pub(super) lines: HashMap<&'static str, Vec<u64>>,
    pub(super) line: u64,
    pub(super) records: usize,
}

impl Default for Chunk {
    fn default() -> Self {
        Chunk {
            data: Export::empty(""),
            lines: HashMap::new(),
            line: 0,
            records: 0,
        }
    }
}

macro_rules! pushers {
    ($($fn:ident: $field:ident $row:ty = $list:literal),+ $(,)?) => {
        impl Chunk {
            $(pub(super) fn $fn(&mut self, row: $row) {
                self.data.$field.push(row);
                self.lines.entry($list).or_default().push(self.line);
            })+
        }
    };
}

pushers! {
    push_employee: employees EmployeeRow = "employees",
    push_competitor: competitors CompetitorRow = "competitors",
    push_account: accounts AccountRow = "accounts",
    push_person: people PersonRow = "people",
    push_position: positions PositionRow = "positions",
    push_line: reporting_lines ReportingLineRow = "reportingLines",
    push_opportunity: opportunities OpportunityRow = "opportunities",
    push_stage: stage_changes StageChangeRow = "stageChanges",
    push_rival: opportunity_competitors OpportunityCompetitorRow = "opportunityCompetitors",
    push_member: decision_chain_members ChainMemberRow = "decisionChainMembers",
    push_relationship: relationships RelationshipRow = "relationships",
    push_assessment: assessments AssessmentRow = "assessments",
    push_interaction: interactions InteractionRow = "interactions",
    push_attendee: interaction_employees InteractionEmployeeRow = "interactionEmployees",
    push_guest: interaction_people InteractionPersonRow = "interactionPeople",
    push_external: external_ids ExternalIdRow = "externalIds",
}

/// camelCase row field → snake_case mapping field.
pub(super) fn snake(field: &str) -> String {
    let mut out = String::new();
    for c in field.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
