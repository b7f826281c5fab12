//! Meeting material generated from the data, so that a meeting discusses
//! decisions instead of assembling facts.
//!
//! Two meetings, as the methodology runs them: the opportunity-analysis meeting
//! ([`OpportunityMeeting`]: the four questions, the stage's win steps, the six
//! scores, health, the top prompts with introduction paths, open support
//! requests) and the relationship planning and improvement meeting
//! ([`PlanningMeeting`]: the relationship inventory, what changed since the last
//! meeting, and the improvement points set then). [`gather`] reads them from the
//! engine; [`markdown`] writes them, and [`html`] turns that into one
//! self-contained page with the relationship map inside.

pub mod gather;
pub mod html;
pub mod markdown;

pub use gather::{
    ChainLine, InventoryGroup, OpportunityMeeting, PlanningMeeting, PointLine, PromptLine,
    QuestionLine, ScoreLine, StepLine, SupportLine,
};

/// How meeting material is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Markdown, for a terminal, a wiki or a chat.
    Markdown,
    /// One self-contained HTML page (styles and the map inside, nothing fetched).
    Html,
}

/// The opportunity-analysis meeting, written as asked.
pub fn render_opportunity(meeting: &OpportunityMeeting, format: ReportFormat) -> String {
    let text = markdown::opportunity(meeting);
    match format {
        ReportFormat::Markdown => text,
        ReportFormat::Html => html::page(
            &format!("{} · {}", meeting.account, meeting.opportunity),
            &text,
            &meeting.map_svg,
            meeting.lang,
        ),
    }
}

/// The relationship planning meeting, written as asked.
pub fn render_planning(meeting: &PlanningMeeting, format: ReportFormat) -> String {
    let text = markdown::planning(meeting);
    match format {
        ReportFormat::Markdown => text,
        ReportFormat::Html => html::page(&meeting.account, &text, &meeting.map_svg, meeting.lang),
    }
}
