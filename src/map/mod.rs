//! The relationship map as a picture: the customer's people laid out by their
//! reporting lines and level, marked with buying role, influence and attitude, and
//! our and the competitors' ties drawn between them.
//!
//! [`model`] decides what is on the map (it reads the scored graph and the
//! methodology, so the picture says what the scores say); [`layout`] places it with
//! the `layout-rs` crate and keeps every box apart; [`svg`] and [`dot`] write it
//! out. The map is drawn for one account or for one opportunity's decision chain.

pub mod dot;
pub mod layout;
pub mod model;
pub mod svg;
mod text;

pub use layout::{Box2, Placed};
pub use model::{MapPerson, MapTie, RelationshipMap, TieSide};
pub use text::{line_height, text_width, ASCENT_EM, LINE_EM};

use crate::domain::Lang;

/// What the map is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapFormat {
    /// A self-contained SVG document.
    Svg,
    /// Graphviz DOT, for those who lay out with Graphviz themselves.
    Dot,
}

/// Renders a map in the format asked for.
pub fn render(map: &RelationshipMap, format: MapFormat, lang: Lang) -> String {
    match format {
        MapFormat::Svg => svg::render(&layout::place(map), lang),
        MapFormat::Dot => dot::render(map, lang),
    }
}
