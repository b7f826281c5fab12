//! What the engine reads: one account's slice of storage, as plain values. The
//! store fills it in one consistent snapshot; what-ifs edit a copy.

use time::Date;
use uuid::Uuid;

/// The versions a snapshot was read at. Equal versions mean equal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GraphVersion {
    /// The account's own version.
    pub account: i64,
    /// The organisation-wide version (employee–employee ties, employee status).
    pub org: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PersonNode {
    pub id: Uuid,
    pub name: String,
    pub title: Option<String>,
    pub department: String,
    pub level: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LineEdge {
    pub person: Uuid,
    pub manager: Uuid,
    pub dotted: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EmployeeNode {
    pub id: Uuid,
    pub name: String,
    pub role: String,
    /// With us today: not departed, and not past a planned leaving date.
    pub active: bool,
    /// The day they leave, when planned; active until then.
    pub leaving_on: Option<Date>,
}

impl EmployeeNode {
    /// With us and not planning to leave: someone an action can be given to.
    pub fn stays(&self) -> bool {
        self.active && self.leaving_on.is_none()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CompetitorNode {
    pub id: Uuid,
    pub name: String,
}

/// What an edge connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TieEnds {
    EmployeePerson {
        employee: Uuid,
        person: Uuid,
    },
    /// `from` influences `to`.
    Influences {
        from: Uuid,
        to: Uuid,
    },
    Informal {
        a: Uuid,
        b: Uuid,
    },
    CompetitorPerson {
        competitor: Uuid,
        person: Uuid,
    },
    EmployeeEmployee {
        a: Uuid,
        b: Uuid,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct TieEdge {
    pub relationship_id: Uuid,
    pub ends: TieEnds,
    /// The latest assessment, 0..5.
    pub strength: i32,
    pub assessed_on: Date,
}

/// One of our employees and one customer person at the same interaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub interaction_id: Uuid,
    pub employee: Uuid,
    pub person: Uuid,
    pub on: Date,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MemberNode {
    pub person: Uuid,
    pub buying_role: String,
    /// Given influence 1..5, if anyone set it.
    pub influence: Option<i32>,
    pub attitude: i32,
    pub favoured_competitor: Option<Uuid>,
    /// The deal's primary contact (a CRM's primary contact role).
    pub primary: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OpportunityNode {
    pub id: Uuid,
    pub name: String,
    pub stage: String,
    pub open: bool,
    /// Closed as won (false while open, and when lost).
    pub won: bool,
    /// In major units of its currency.
    pub amount: f64,
    pub currency: String,
    pub expected_sign_date: Option<Date>,
    pub owner: Option<Uuid>,
    /// When the current stage was entered.
    pub stage_entered: Option<Date>,
    pub competitors_in_play: usize,
    /// The budget and compelling event the team found out.
    pub qualifying: Qualifying,
    pub members: Vec<MemberNode>,
    /// Our team on the deal and their parts (employee role ids).
    pub team: Vec<(Uuid, String)>,
    /// The methodology version the deal's stage was set under (or adopted): its
    /// win steps and exit criteria are that version's.
    pub methodology_version: String,
}

/// What the team found out about a deal's budget and compelling event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Qualifying {
    pub budget: crate::domain::BudgetStatus,
    /// In major units of the deal's currency.
    pub budget_amount: Option<f64>,
    pub budget_confirmed_on: Option<Date>,
    pub event: Option<String>,
    pub event_by: Option<Date>,
}

/// The current state of a manual win step (the latest tick).
#[derive(Debug, Clone, PartialEq)]
pub struct StepState {
    pub opportunity: Uuid,
    pub stage: String,
    pub step: String,
    pub done: bool,
}

/// The latest recorded answer to one of the four questions.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerState {
    pub opportunity: Uuid,
    pub question: String,
    /// `yes`, `no` or `unknown`.
    pub answer: String,
}

/// One account's graph inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphData {
    pub account_id: Uuid,
    pub account_name: String,
    /// The account's tier id.
    pub tier: String,
    pub version: GraphVersion,
    pub people: Vec<PersonNode>,
    pub lines: Vec<LineEdge>,
    /// Every employee the account's ties or the introduction graph touch.
    pub employees: Vec<EmployeeNode>,
    pub competitors: Vec<CompetitorNode>,
    /// The account's edges plus every employee–employee tie.
    pub ties: Vec<TieEdge>,
    pub contacts: Vec<Contact>,
    pub opportunities: Vec<OpportunityNode>,
    pub win_steps: Vec<StepState>,
    pub answers: Vec<AnswerState>,
    /// Account-plan items and whether they are ticked (latest tick).
    pub plan_ticks: Vec<(String, bool)>,
    /// Support requests on the account's deals: (opportunity, kind, status), for
    /// the support checklist and its coaching rule.
    pub support: Vec<(Uuid, String, String)>,
    /// People at other accounts the account's ties or chains reach: former
    /// colleagues who moved, chain members who left for another account. They
    /// are doors in introduction paths, not people of the account.
    pub outsiders: Vec<OutsiderNode>,
}

/// A person at another account, as the account's graph sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct OutsiderNode {
    pub id: Uuid,
    pub name: String,
    /// The account they are at now.
    pub account: String,
}
