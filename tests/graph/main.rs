//! The graph engine on small hand-made graphs (values computed by hand, see
//! docs/scoring.md) and on random ones (properties).

mod fixture;
mod paths;
mod properties;
mod scores;
