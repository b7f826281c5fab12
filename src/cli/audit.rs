//! `guanxi audit`: the audit trail, filtered.

use guanxi::store::Store;

use super::{open, ready};

pub async fn run(args: guanxi::config::AuditArgs) -> anyhow::Result<()> {
    let store = ready(open(&args.data).await?, false).await?;
    audit(&store, &args).await?;
    Ok(())
}

async fn audit(store: &Store, args: &guanxi::config::AuditArgs) -> anyhow::Result<()> {
    let filter = guanxi::store::AuditFilter {
        account: args.account,
        person: args.person,
        author: args.author.clone(),
        since: None,
    };
    let (entries, total) = store.audit_trail(&filter, 0, args.limit.max(0)).await?;
    for e in &entries {
        let what = e.entity_id.map(|i| format!(" {i}")).unwrap_or_default();
        let account = e
            .account_id
            .map(|a| format!(" (account {a})"))
            .unwrap_or_default();
        println!(
            "{}  {} [{}]  {} {}{what}{account}",
            e.at, e.author_name, e.author_role, e.action, e.entity
        );
        if args.full {
            for (label, json) in [("before", &e.before_json), ("after", &e.after_json)] {
                if let Some(j) = json {
                    println!("    {label}: {j}");
                }
            }
        }
    }
    println!(
        "{} of {}",
        entries.len(),
        guanxi::domain::count(total, "entry", "entries")
    );
    Ok(())
}
