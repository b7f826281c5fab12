//! The planning-session page at `/`: one HTML file, one script and one stylesheet,
//! compiled into the binary so the page works with nothing installed and nothing
//! fetched from the internet. No build step: the files under `page/` are what the
//! browser gets.

use axum::{
    extract::Path,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};

use std::sync::LazyLock;

use crate::domain::{catalogue, Lang};

const INDEX: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/app.js");
const STYLE: &str = include_str!("page/app.css");

/// Served fresh each time: a new binary's page and script always match.
const NO_CACHE: (header::HeaderName, &str) = (header::CACHE_CONTROL, "no-cache");

pub(crate) async fn index() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8"), NO_CACHE],
        INDEX,
    )
        .into_response()
}

/// The page's words from the one translation catalogue, as a script that sets
/// `window.GUANXI_WORDS` before app.js runs (no second request at start).
/// The page's words beside its own: the sets it shares with the reports, under
/// their catalogue ids.
const SHARED: [&str; 4] = [
    "health-part",
    "answer-value",
    "budget-status",
    "point-status",
];

static WORDS: LazyLock<String> = LazyLock::new(|| {
    let words = |lang| {
        let mut words = catalogue::words_of(lang, "page-");
        for shared in SHARED {
            // The message itself: its id with nothing cut off is the empty key.
            if let Some(group) = catalogue::words_of(lang, shared).remove("") {
                words.insert(shared.to_owned(), group);
            }
        }
        words
    };
    let words = serde_json::json!({ "en": words(Lang::En), "zh": words(Lang::Zh) });
    format!("window.GUANXI_WORDS = {words};\n")
});

pub(crate) async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "app.js" => (SCRIPT, "text/javascript; charset=utf-8"),
        "words.js" => (WORDS.as_str(), "text/javascript; charset=utf-8"),
        "app.css" => (STYLE, "text/css; charset=utf-8"),
        _ => return (StatusCode::NOT_FOUND, "no such asset").into_response(),
    };
    ([(header::CONTENT_TYPE, kind), NO_CACHE], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_word_of_the_page_hides_a_shared_set() {
        for lang in [Lang::En, Lang::Zh] {
            let own = catalogue::words_of(lang, "page-");
            for shared in SHARED {
                assert!(
                    !own.contains_key(shared),
                    "page-{shared} hides the set {shared}"
                );
            }
        }
        assert!(
            WORDS.contains("\"answer-value\":{\"NO\":\"no\""),
            "{}",
            &WORDS[..200]
        );
    }
}
