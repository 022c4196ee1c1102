//! The suite built into the binary: the feature files and the use-case
//! pages, embedded at build time (see `build.rs`), so the binary runs the
//! same suite from any directory. `run`, `--list` and `coverage` use it
//! unless `--features` / `--spec` name files on disk.

mod export;

pub use export::{ExportError, export_features};

/// One file of the suite, under its path in this repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedFile {
    /// The path in this repository, e.g. `features/manual/dto.feature`:
    /// the location reports name.
    pub path: &'static str,
    /// The content.
    pub text: &'static str,
}

impl EmbeddedFile {
    /// Where reports and the console say the file is: `embedded:` + its
    /// path (`embedded:features/manual/dto.feature`), so nobody looks for
    /// it on disk.
    pub fn location(&self) -> String {
        format!("{EMBEDDED_PREFIX}{}", self.path)
    }

    /// The file name, e.g. `dto.feature`.
    pub fn file_name(&self) -> &'static str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }
}

include!(concat!(env!("OUT_DIR"), "/embedded_suite.rs"));

/// The prefix naming what is built in: the embedded files' locations and
/// the spec digest of the embedded suite.
pub const EMBEDDED_PREFIX: &str = "embedded:";

/// The prefix of the spec digest of the embedded suite.
pub const EMBEDDED_DIGEST_PREFIX: &str = EMBEDDED_PREFIX;

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The embedded lists are exactly the files of the source tree, byte for byte.
    #[test]
    fn the_embedded_files_are_the_source_files() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let on_disk = |dir: &str, extension: &str| -> Vec<String> {
            let mut files: Vec<String> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .filter(|n| n.ends_with(extension))
                .map(|n| format!("{dir}/{n}"))
                .collect();
            files.sort();
            files
        };
        let mut features = on_disk("features/generated", ".feature");
        features.extend(on_disk("features/manual", ".feature"));
        let embedded: Vec<&str> = FEATURES.iter().map(|f| f.path).collect();
        assert_eq!(embedded, features);
        let pages: Vec<&str> = SPEC_PAGES.iter().map(|f| f.path).collect();
        assert_eq!(pages, on_disk("spec/use-cases", ".md"));
        for file in FEATURES.iter().chain(SPEC_PAGES) {
            assert_eq!(
                file.text,
                std::fs::read_to_string(root.join(file.path)).unwrap(),
                "{}",
                file.path
            );
        }
        assert_eq!(
            FEATURES[0].file_name(),
            Path::new(FEATURES[0].path).file_name().unwrap()
        );
    }
}
