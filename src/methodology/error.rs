use std::{fmt, path::PathBuf};

/// One thing wrong in a methodology file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    /// Where in the file: `stages[2].id`, `strength.labels`, or `-` for the file itself.
    pub item: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.file.display(),
            self.item,
            self.message
        )
    }
}

/// All the problems found while loading a methodology directory. Loading reports
/// every problem at once so a company fixing its files does not go round in circles.
#[derive(Debug, Clone, thiserror::Error)]
pub struct MethodologyError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for MethodologyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid methodology ({} problem", self.problems.len())?;
        if self.problems.len() != 1 {
            f.write_str("s")?;
        }
        f.write_str(")")?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

/// Collects problems for one file.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    pub(crate) list: Vec<Problem>,
}

impl Problems {
    pub(crate) fn push(&mut self, file: &str, item: impl Into<String>, message: impl Into<String>) {
        self.list.push(Problem {
            file: PathBuf::from(file),
            item: item.into(),
            message: message.into(),
        });
    }
}
