//! Who was tested with what: the metadata every report of a run carries
//! (JUnit properties, the Cucumber JSON's `enmeshedConformance`, the
//! Markdown summary's table). Its own module, so that the report writers
//! and `reports` (which calls them) import it without importing each other.

use serde::Serialize;

/// Who was tested with what.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunMetadata {
    /// The implementation's name.
    pub implementation: String,
    /// The implementation's version.
    pub implementation_version: String,
    /// This suite's version.
    pub suite_version: String,
    /// A digest of the feature files that ran (`sha256:` + hex, see
    /// [`crate::digest::of_files`]; `embedded:` before it for the built-in suite).
    pub spec_digest: String,
    /// How many feature files the digest covers.
    pub feature_files: usize,
}
