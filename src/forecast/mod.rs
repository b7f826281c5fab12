//! Forecasting: the win probability and category of each open deal, roll-ups for a
//! period, calibration against outcomes, and the patterns history shows. Pure
//! functions; the engine feeds them.

pub mod history;
pub mod probability;
pub mod rollup;

pub use history::{patterns, quantile, stage_days, ClosedDeal, Patterns, StageDays, StageNorms};
pub use probability::{category, held_back, win_probability, WinProbability};
pub use rollup::{calibration, rollup, CalibrationBin, ForecastLine, GroupBy, RollupRow};
