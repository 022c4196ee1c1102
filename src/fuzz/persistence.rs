//! A proptest regression file that is read and appended to silently:
//! proptest's own `FileFailurePersistence` prints "proptest: Saving this and
//! future failures …" and the `cc …` line on standard error, which would
//! interleave proptest internals with the suite's report. The file format is
//! proptest's own (a header, then one `cc <seed> # shrinks to …` line per
//! failure), so proptest and `--regressions` read the same file.

use proptest::test_runner::{FailurePersistence, PersistedSeed};
use std::any::Any;
use std::fmt::Debug;
use std::path::PathBuf;

const HEADER: &str = "\
# Seeds for failure cases proptest has generated in the past. It is
# automatically read and these particular cases re-run before any
# novel cases are generated.
#
# It is recommended to check this file in to source control so that
# everyone who runs the test benefits from these saved cases.
";

/// The regression file at a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuietFile {
    path: PathBuf,
}

impl QuietFile {
    /// The regression file at `path`.
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }
}

/// The limits of a regression file: those of every input file.
const REGRESSIONS_LIMIT: crate::fsio::Limit = crate::fsio::Limit {
    max_bytes: crate::fsio::read::MAX_INPUT_BYTES,
    what: "a fuzz regression file",
};

impl QuietFile {
    /// The file's text through the bounded reader; `None` when it does not exist.
    fn read(&self) -> Result<Option<String>, crate::fsio::ReadError> {
        match crate::fsio::read_text(&self.path, REGRESSIONS_LIMIT) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.is_missing() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl FailurePersistence for QuietFile {
    fn load_persisted_failures2(&self, _source_file: Option<&'static str>) -> Vec<PersistedSeed> {
        let text = match self.read() {
            Ok(text) => text.unwrap_or_default(),
            Err(e) => {
                eprintln!("warning: no regression seeds replayed: {e}");
                return Vec::new();
            }
        };
        let mut seeds = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let seed = line.split('#').next().unwrap_or_default().trim();
            if seed.is_empty() {
                continue;
            }
            match seed.parse::<PersistedSeed>() {
                Ok(seed) => seeds.push(seed),
                Err(()) => eprintln!(
                    "warning: {}:{}: not a seed line, ignored",
                    self.path.display(),
                    number + 1
                ),
            }
        }
        seeds
    }

    fn save_persisted_failure2(
        &mut self,
        _source_file: Option<&'static str>,
        seed: PersistedSeed,
        shrunken_value: &dyn Debug,
    ) {
        let value = format!("{shrunken_value:?}").replace(['\n', '\r'], " ");
        // The whole file is written again through the safe writer (never
        // through a link, never half-written).
        let written = self.read().map_err(|e| e.to_string()).and_then(|old| {
            let mut text = old.unwrap_or_else(|| HEADER.to_owned());
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&format!("{seed} # shrinks to {value}\n"));
            crate::fsio::write_file(&self.path, text.as_bytes()).map_err(|e| e.to_string())
        });
        // A failure the file cannot keep is still reported; say why once.
        if let Err(e) = written {
            eprintln!("warning: cannot append the failing seed: {e}");
        }
    }

    fn box_clone(&self) -> Box<dyn FailurePersistence> {
        Box::new(self.clone())
    }

    fn eq(&self, other: &dyn FailurePersistence) -> bool {
        other
            .as_any()
            .downcast_ref::<Self>()
            .is_some_and(|o| o == self)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
