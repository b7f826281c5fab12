//! A small builder for account snapshots.

use std::path::Path;

use guanxi::{
    graph::{
        data::{
            CompetitorNode, Contact, EmployeeNode, GraphData, GraphVersion, LineEdge, MemberNode,
            OpportunityNode, PersonNode, TieEdge, TieEnds,
        },
        AccountGraph,
    },
    methodology::Methodology,
};
use time::{macros::date, Date};
use uuid::Uuid;

pub const TODAY: Date = date!(2026 - 11 - 26);

pub fn methodology() -> Methodology {
    Methodology::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("methodology")).unwrap()
}

pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

#[derive(Default)]
pub struct Builder {
    pub data: Option<GraphData>,
}

impl Builder {
    pub fn new() -> Self {
        Builder {
            data: Some(GraphData {
                account_id: id(1),
                account_name: "Test account".into(),
                tier: "key".into(),
                win_steps: Vec::new(),
                answers: Vec::new(),
                plan_ticks: Vec::new(),
                support: Vec::new(),
                outsiders: Vec::new(),
                version: GraphVersion { account: 1, org: 1 },
                people: Vec::new(),
                lines: Vec::new(),
                employees: Vec::new(),
                competitors: Vec::new(),
                ties: Vec::new(),
                contacts: Vec::new(),
                opportunities: Vec::new(),
            }),
        }
    }

    fn d(&mut self) -> &mut GraphData {
        self.data.as_mut().unwrap()
    }

    pub fn person(&mut self, n: u128, name: &str, level: &str, department: &str) -> Uuid {
        self.d().people.push(PersonNode {
            id: id(n),
            name: name.into(),
            title: None,
            department: department.into(),
            level: level.into(),
        });
        id(n)
    }

    pub fn employee(&mut self, n: u128, name: &str, role: &str, active: bool) -> Uuid {
        self.d().employees.push(EmployeeNode {
            id: id(n),
            name: name.into(),
            role: role.into(),
            active,
            leaving_on: None,
        });
        id(n)
    }

    pub fn competitor(&mut self, n: u128, name: &str) -> Uuid {
        self.d().competitors.push(CompetitorNode {
            id: id(n),
            name: name.into(),
        });
        id(n)
    }

    pub fn reports(&mut self, person: Uuid, manager: Uuid, dotted: bool) {
        self.d().lines.push(LineEdge {
            person,
            manager,
            dotted,
        });
    }

    fn tie(&mut self, ends: TieEnds, strength: i32, on: Date) {
        let n = self.d().ties.len() as u128 + 10_000;
        self.d().ties.push(TieEdge {
            relationship_id: id(n),
            ends,
            strength,
            assessed_on: on,
        });
    }

    /// Our tie, assessed today (so its effective strength equals the assessment).
    pub fn ours(&mut self, employee: Uuid, person: Uuid, strength: i32) {
        self.tie(
            TieEnds::EmployeePerson { employee, person },
            strength,
            TODAY,
        );
    }

    pub fn ours_on(&mut self, employee: Uuid, person: Uuid, strength: i32, on: Date) {
        self.tie(TieEnds::EmployeePerson { employee, person }, strength, on);
    }

    pub fn theirs(&mut self, competitor: Uuid, person: Uuid, strength: i32) {
        self.tie(
            TieEnds::CompetitorPerson { competitor, person },
            strength,
            TODAY,
        );
    }

    pub fn influences(&mut self, from: Uuid, to: Uuid, strength: i32) {
        self.tie(TieEnds::Influences { from, to }, strength, TODAY);
    }

    pub fn informal(&mut self, a: Uuid, b: Uuid, strength: i32) {
        self.tie(TieEnds::Informal { a, b }, strength, TODAY);
    }

    pub fn colleagues(&mut self, a: Uuid, b: Uuid, strength: i32) {
        self.tie(TieEnds::EmployeeEmployee { a, b }, strength, TODAY);
    }

    pub fn contact(&mut self, employee: Uuid, person: Uuid, on: Date) {
        let n = self.d().contacts.len() as u128 + 50_000;
        self.d().contacts.push(Contact {
            interaction_id: id(n),
            employee,
            person,
            on,
        });
    }

    pub fn opportunity(
        &mut self,
        n: u128,
        members: Vec<MemberNode>,
        team: Vec<(Uuid, &str)>,
    ) -> Uuid {
        self.d().opportunities.push(OpportunityNode {
            id: id(n),
            name: format!("Opportunity {n}"),
            stage: "propose".into(),
            open: true,
            won: false,
            amount: 1_000_000.0,
            currency: "CNY".into(),
            expected_sign_date: Some(TODAY + time::Duration::days(60)),
            owner: None,
            stage_entered: Some(TODAY - time::Duration::days(10)),
            competitors_in_play: 0,
            qualifying: Default::default(),
            members,
            team: team.into_iter().map(|(e, r)| (e, r.to_owned())).collect(),
            methodology_version: String::new(),
        });
        id(n)
    }

    pub fn build(&self) -> AccountGraph {
        AccountGraph::build(self.data.as_ref().unwrap(), &methodology(), TODAY)
    }

    pub fn snapshot(&self) -> GraphData {
        self.data.clone().unwrap()
    }
}

pub fn member(person: Uuid, role: &str, influence: Option<i32>) -> MemberNode {
    MemberNode {
        person,
        buying_role: role.into(),
        influence,
        attitude: 0,
        favoured_competitor: None,
        primary: false,
    }
}

/// The worked example of docs/scoring.md.
pub struct Example {
    pub b: Builder,
    pub ceo: Uuid,
    pub cfo: Uuid,
    pub cto: Uuid,
    pub eng: Uuid,
    pub ar: Uuid,
    pub sr: Uuid,
    pub departed: Uuid,
    pub rival: Uuid,
    pub deal: Uuid,
}

pub fn example() -> Example {
    let mut b = Builder::new();
    let ceo = b.person(101, "CEO", "executive", "executive_office");
    let cfo = b.person(102, "CFO", "executive", "finance");
    let cto = b.person(103, "CTO", "management", "it");
    let eng = b.person(104, "Engineer", "operational", "it");
    b.reports(cfo, ceo, false);
    b.reports(cto, ceo, false);
    b.reports(eng, cto, false);
    let ar = b.employee(201, "Ann (AR)", "ar", true);
    let sr = b.employee(202, "Sam (SR)", "sr", true);
    let departed = b.employee(203, "Dee (left)", "ar", false);
    let rival = b.competitor(301, "Rival");
    b.ours(ar, ceo, 4);
    b.ours(ar, cfo, 2);
    b.ours(sr, cto, 3);
    b.ours(departed, cfo, 5);
    b.theirs(rival, cfo, 4);
    b.colleagues(sr, ar, 5);
    let mut cfo_member = member(cfo, "financial_evaluator", Some(4));
    cfo_member.favoured_competitor = Some(rival);
    let deal = b.opportunity(
        401,
        vec![
            member(ceo, "decision_maker", Some(5)),
            cfo_member,
            member(cto, "technical_evaluator", Some(4)),
            member(eng, "user", Some(2)),
        ],
        vec![],
    );
    Example {
        b,
        ceo,
        cfo,
        cto,
        eng,
        ar,
        sr,
        departed,
        rival,
        deal,
    }
}

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}
