//! How wide and how tall a label is drawn, without a font at hand.
//!
//! The map is laid out on the server, where no font metrics exist, so widths are
//! estimated from character classes: wide (CJK) characters take a full em, the rest
//! a generous share of one. The estimate errs wide, so boxes sized by it hold their
//! text in any common sans-serif font; the same estimate checks that no two labels
//! overlap.

use unicode_width::UnicodeWidthChar;

/// A line's height as a multiple of its font size. The fonts the page and the SVG
/// name draw a line box of ascent + descent: 1.448 em in Noto Sans CJK (ascent 1.16,
/// descent 0.288), 1.26 em in WenQuanYi Zen Hei, 1.16 em in DejaVu Sans, at most
/// 0.30 em of descent in any of them, so 1.5 em holds every one of them.
pub const LINE_EM: f64 = 1.5;
/// Where a line's baseline sits below the top of its line, in em: the tallest
/// ascent of those fonts (Noto Sans CJK's 1.16), so no glyph rises above its line
/// and, with at most 0.30 em of descent, none reaches into the next.
pub const ASCENT_EM: f64 = 1.16;

// Noto Sans CJK's ascent of 1.16 em, and the deepest descent (0.30 em) below it,
// fit in a line.
const _: () = assert!(ASCENT_EM >= 1.16 && ASCENT_EM + 0.30 < LINE_EM);

/// Height in pixels of one line of text at `font_size`.
pub fn line_height(font_size: f64) -> f64 {
    font_size * LINE_EM
}

/// Width in pixels of `text` at `font_size`.
pub fn text_width(text: &str, font_size: f64) -> f64 {
    text.chars()
        .map(|c| match c.width().unwrap_or(0) {
            0 => 0.0,
            1 => 0.62,
            _ => 1.05,
        })
        .sum::<f64>()
        * font_size
}

/// `text` in lines of at most `max` pixels at `font_size`, broken between words
/// and between Chinese characters (Unicode line breaking, UAX #14); a word longer
/// than a line is broken inside it. Nothing is cut away. At least one line, so
/// an empty name still has its place in the box.
pub fn wrap(text: &str, font_size: f64, max: f64) -> Vec<String> {
    // textwrap counts display columns, a Chinese character being two. A column
    // is taken at this module's 0.62 em, so two (1.24 em) hold a Chinese
    // character's 1.05 em and no line comes out wider than `max`.
    let columns = ((max / (0.62 * font_size)).floor() as usize).max(1);
    let lines: Vec<String> = textwrap::wrap(text.trim(), textwrap::Options::new(columns))
        .into_iter()
        .map(|l| l.trim_end().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_holds_the_tallest_font_named() {
        assert_eq!(line_height(13.0), 19.5);
    }

    #[test]
    fn chinese_characters_take_a_full_em() {
        assert!(text_width("张伟", 10.0) > 2.0 * 10.0);
        assert!(text_width("ab", 10.0) < text_width("张伟", 10.0));
        assert_eq!(text_width("", 12.0), 0.0);
    }

    #[test]
    fn wrapping_keeps_every_word_and_each_line_fits() {
        assert_eq!(wrap("Short", 12.0, 200.0), vec!["Short"]);
        let title = "Vice President of Procurement and Supply Chain";
        let lines = wrap(title, 12.0, 120.0);
        assert!(lines.len() > 1, "{lines:?}");
        assert_eq!(lines.join(" "), title, "nothing cut away");
        for l in &lines {
            assert!(text_width(l, 12.0) <= 120.0, "{l}");
            assert!(!l.ends_with('…'));
        }
        let zh = "采购与供应链管理部副总裁兼首席运营官";
        let lines = wrap(zh, 12.0, 80.0);
        assert_eq!(lines.concat(), zh, "{lines:?}");
        assert!(
            lines.iter().all(|l| text_width(l, 12.0) <= 80.0),
            "{lines:?}"
        );
        // One word longer than a line is broken inside it, not dropped.
        let long = wrap("Supercalifragilisticexpialidocious", 12.0, 60.0);
        assert_eq!(long.concat(), "Supercalifragilisticexpialidocious");
        assert_eq!(wrap("  ", 12.0, 60.0), vec![""]);
    }
}
