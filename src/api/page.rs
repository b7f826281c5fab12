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
static WORDS: LazyLock<String> = LazyLock::new(|| {
    let words = serde_json::json!({
        "en": catalogue::words_of(Lang::En, "page-"),
        "zh": catalogue::words_of(Lang::Zh, "page-"),
    });
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
