//! The one error type of the spec parser: a message located in a file.

use std::fmt;
use std::path::{Path, PathBuf};

/// A defect in a use-case page, located by file, line and (where known) column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The page the defect is in.
    pub path: PathBuf,
    /// 1-based line in the page.
    pub line: usize,
    /// 1-based column, where the source gives one.
    pub column: Option<usize>,
    /// What is wrong, in plain words.
    pub message: String,
}

impl SpecError {
    /// Builds an error for `path` at `line` (and `column`).
    pub fn new(
        path: &Path,
        line: usize,
        column: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            path: path.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)?;
        if let Some(column) = self.column {
            write!(f, ":{column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for SpecError {}
