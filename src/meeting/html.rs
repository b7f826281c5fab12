//! Meeting material as one self-contained HTML page: the Markdown rendered by
//! `pulldown-cmark`, a print-friendly stylesheet inline, and the relationship map
//! as inline SVG. Nothing is fetched, so the file can be mailed or projected
//! offline.

use pulldown_cmark::{html, Options, Parser};

use crate::{advice::Lang, map::svg::esc};

const STYLE: &str = "
body { font-family: 'Noto Sans CJK SC','Noto Sans SC','WenQuanYi Zen Hei','PingFang SC','Microsoft YaHei',system-ui,sans-serif;
       margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #1a202c; line-height: 1.45; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #2b6cb0; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; color: #2b6cb0; }
h3 { font-size: 1.05rem; margin-top: 1.2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border: 1px solid #cbd5e0; padding: .3rem .5rem; vertical-align: top; text-align: left; }
th { background: #edf2f7; }
.map { overflow-x: auto; border: 1px solid #cbd5e0; border-radius: 6px; margin: 1rem 0; }
.map svg { max-width: none; }
@page { margin: 12mm; }
/* On paper the whole map fits the page, A4 or Letter, either way up: as wide as
   the page and no taller than it, drawn to scale (the SVG keeps its aspect). */
@media print {
  body { margin: 0; max-width: none; padding: 0; }
  .map { overflow: visible; border: 0; break-inside: avoid; page-break-inside: avoid; }
  .map svg { display: block; width: 100%; height: auto; max-height: 92vh; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr { break-inside: avoid; page-break-inside: avoid; }
}
";

/// A page of `markdown` titled `title`, in `lang` (for screen readers, fonts
/// and hyphenation), with the map after the first heading.
pub fn page(title: &str, markdown: &str, map_svg: &str, lang: Lang) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    let (head, rest) = match markdown.find("\n## ") {
        Some(i) => markdown.split_at(i),
        None => (markdown, ""),
    };
    let mut body = String::new();
    html::push_html(&mut body, Parser::new_ext(head, options));
    body.push_str("<div class=\"map\">\n");
    body.push_str(map_svg);
    body.push_str("</div>\n");
    html::push_html(&mut body, Parser::new_ext(rest, options));
    let title = esc(title);
    let lang = match lang {
        Lang::En => "en",
        Lang::Zh => "zh-CN",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
}
