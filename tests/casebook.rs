//! The shipped casebook (`casebook/`): each case loaded into a fresh database and
//! its top three prompts, in English and Chinese, compared with the coach's. A case
//! marked `holds` must give the coach's ranking; one marked `open` must not yet
//! (when it starts to, mark it `holds` so the ranking is kept).

use std::{path::Path, sync::Arc};

use guanxi::{
    casebook::{self, Status},
    methodology::Methodology,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_casebook_holds_its_rankings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let methodology = Arc::new(Methodology::load(&root.join("methodology")).unwrap());
    let verdicts = casebook::check(&root.join("casebook"), methodology)
        .await
        .expect("every case loads");
    assert!(verdicts.len() >= 4, "{} cases", verdicts.len());
    let summary = casebook::describe(&verdicts, false);
    {
        use std::io::Write;
        let last = summary.lines().last().unwrap_or_default();
        let _ = writeln!(std::io::stderr().lock(), "casebook: {last}");
    }
    for v in &verdicts {
        match v.case.status {
            Status::Holds => assert!(
                v.gives_the_ranking(),
                "{} no longer holds:\n{summary}",
                v.slug
            ),
            Status::Open => assert!(
                !v.gives_the_ranking(),
                "{} now gives the coach's ranking: mark it `holds` in its case.toml",
                v.slug
            ),
        }
    }
}
