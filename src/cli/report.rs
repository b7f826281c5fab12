//! `guanxi report`: the opportunity or account-planning report, as Markdown or HTML.

use guanxi::{config::ReportOf, meeting};

use super::{lang_of, open, ready, write_out};

pub async fn run(of: ReportOf) -> anyhow::Result<()> {
    let (ReportOf::Opportunity { out, .. } | ReportOf::Account { out, .. }) = &of;
    let store = ready(open(&out.data).await?, false).await?;
    // One read: each graph is looked up once however many parts of the
    // report need it.
    let engine = guanxi::engine::Engine::new(store).for_one_read();
    let lang = lang_of(&out.lang);
    let format = match out.format.as_str() {
        "html" => meeting::ReportFormat::Html,
        _ => meeting::ReportFormat::Markdown,
    };
    let text = match &of {
        ReportOf::Opportunity { id, .. } => {
            let m = meeting::gather::opportunity_meeting(&engine, *id, lang).await?;
            meeting::render_opportunity(&m, format)
        }
        ReportOf::Account {
            id, since, until, ..
        } => {
            let since = guanxi::domain::parse_date("since", since)?;
            let until = until
                .as_deref()
                .map(|u| guanxi::domain::parse_date("until", u))
                .transpose()?;
            let m = meeting::gather::planning_meeting(&engine, *id, since, until, lang).await?;
            meeting::render_planning(&m, format)
        }
    };
    write_out(out.output.as_deref(), &text)?;
    Ok(())
}
