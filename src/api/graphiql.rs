//! GraphiQL at `GET /graphql`, with its scripts and stylesheet compiled into the
//! binary and served from `/assets/graphiql/`: an intranet without the internet
//! gets a working query console, and no page of guanxi loads anything from
//! another site. The files are the packages' own minified builds, gzipped as they
//! are sent (`tools/vendor-graphiql.sh` refreshes them; licences beside them).

use std::{io::Read, sync::OnceLock};

use axum::{
    http::{header, HeaderMap, StatusCode},
    response::{Html, IntoResponse, Response},
};

/// The bundled GraphiQL's version, in the files' paths: a new bundle is a new
/// address, so browsers may keep a file for good.
pub(crate) const VERSION: &str = "1.11.5";

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

/// The files unpacked, once, for clients that take no gzip.
static UNPACKED: OnceLock<Vec<Option<Vec<u8>>>> = OnceLock::new();

/// The console's page, naming its files under this version.
pub(crate) fn page() -> Response {
    (
        [
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        Html(PAGE.replace("{version}", VERSION)),
    )
        .into_response()
}

/// Whether `accept-encoding` takes gzip: named with a weight above zero, or not
/// named and `*` taken (RFC 9110, section 12.5.3).
fn takes_gzip(headers: &HeaderMap) -> bool {
    let mut gzip = None;
    let mut any = None;
    for part in headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
    {
        let mut pieces = part.split(';');
        let name = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let weight = pieces
            .filter_map(|p| {
                let (k, v) = p.split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("q")
                    .then(|| v.trim().parse::<f32>().ok())?
            })
            .next()
            .unwrap_or(1.0);
        match name.as_str() {
            "gzip" | "x-gzip" => gzip = Some(weight > 0.0),
            "*" => any = Some(weight > 0.0),
            _ => {}
        }
    }
    gzip.or(any).unwrap_or(false)
}

/// One of the console's files: gzipped to a browser that takes gzip (every one
/// does), unpacked for a client that does not.
pub(crate) fn asset(version: &str, file: &str, headers: &HeaderMap) -> Response {
    let Some(i) = ASSETS
        .iter()
        .position(|(name, _, _)| *name == file)
        .filter(|_| version == VERSION)
    else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    let (_, body, kind) = ASSETS[i];
    let common = [
        (header::CONTENT_TYPE, kind),
        (header::VARY, "accept-encoding"),
        (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    if takes_gzip(headers) {
        return (common, [(header::CONTENT_ENCODING, "gzip")], body).into_response();
    }
    let unpacked = UNPACKED.get_or_init(|| {
        ASSETS
            .iter()
            .map(|(name, packed, _)| {
                let mut plain = Vec::new();
                match flate2::read::GzDecoder::new(*packed).read_to_end(&mut plain) {
                    Ok(_) => Some(plain),
                    Err(e) => {
                        tracing::error!(error = %e, file = name, "a GraphiQL file compiled into the binary does not unpack");
                        None
                    }
                }
            })
            .collect()
    });
    match &unpacked[i] {
        Some(plain) => (common, plain.clone()).into_response(),
        None => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the file does not unpack",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(value: &str) -> bool {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, value.parse().unwrap());
        takes_gzip(&h)
    }

    #[test]
    fn gzip_goes_to_whoever_takes_it_and_to_nobody_else() {
        assert!(accepts("gzip, deflate, br"));
        assert!(accepts("br;q=1.0, gzip;q=0.8"));
        assert!(accepts("*"));
        assert!(!accepts("gzip;q=0, *"), "refused by name, whatever * says");
        assert!(!accepts("GZIP;Q=0"));
        assert!(!accepts("br"));
        assert!(!accepts("identity"));
        assert!(!accepts("*;q=0"));
        assert!(!takes_gzip(&HeaderMap::new()), "no header: plain");
    }
}
