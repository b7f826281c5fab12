//! GraphiQL at `GET /graphql`, with its scripts and stylesheet compiled into the
//! binary and served from `/assets/graphiql/`: an intranet without the internet
//! gets a working query console, and no page of guanxi loads anything from
//! another site. The files are the packages' own minified builds, gzipped as they
//! are sent (`tools/vendor-graphiql.sh` refreshes them; licences beside them).

use std::io::Read;

use axum::{
    extract::Path,
    http::{header, HeaderMap, StatusCode},
    response::{Html, IntoResponse, Response},
};

const PAGE: &str = include_str!("graphiql.html");

/// (name, gzipped body, content type).
const ASSETS: [(&str, &[u8], &str); 4] = [
    (
        "graphiql.min.js",
        include_bytes!("graphiql/graphiql.min.js.gz"),
        "text/javascript; charset=utf-8",
    ),
    (
        "graphiql.min.css",
        include_bytes!("graphiql/graphiql.min.css.gz"),
        "text/css; charset=utf-8",
    ),
    (
        "react.production.min.js",
        include_bytes!("graphiql/react.production.min.js.gz"),
        "text/javascript; charset=utf-8",
    ),
    (
        "react-dom.production.min.js",
        include_bytes!("graphiql/react-dom.production.min.js.gz"),
        "text/javascript; charset=utf-8",
    ),
];

/// The console's page.
pub(crate) fn page() -> Response {
    ([(header::CACHE_CONTROL, "no-cache")], Html(PAGE)).into_response()
}

/// One of the console's files: gzipped to a browser that takes gzip (every one
/// does), unpacked for a client that does not.
pub(crate) fn asset(Path(file): Path<String>, headers: &HeaderMap) -> Response {
    let Some((_, body, kind)) = ASSETS.iter().find(|(name, _, _)| *name == file) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    // A file changes only with the binary; a day's caching spares reloads.
    let cache = (header::CACHE_CONTROL, "public, max-age=86400");
    let gzip = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|e| {
            let mut parts = e.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|q| matches!(q.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        });
    if gzip {
        return (
            [
                (header::CONTENT_TYPE, *kind),
                (header::CONTENT_ENCODING, "gzip"),
                (header::VARY, "accept-encoding"),
                cache,
            ],
            *body,
        )
            .into_response();
    }
    let mut plain = Vec::new();
    match flate2::read::GzDecoder::new(*body).read_to_end(&mut plain) {
        Ok(_) => (
            [
                (header::CONTENT_TYPE, *kind),
                (header::VARY, "accept-encoding"),
                cache,
            ],
            plain,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, file, "a GraphiQL file compiled into the binary does not unpack");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the file does not unpack",
            )
                .into_response()
        }
    }
}
