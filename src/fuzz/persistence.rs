//! A proptest regression file that is read and appended to silently:
//! proptest's own `FileFailurePersistence` prints "proptest: Saving this and
//! future failures …" and the `cc …` line on standard error, which would
//! interleave proptest internals with the suite's report. The file format is
//! proptest's own (a header, then one `cc <seed> # shrinks to …` line per
//! failure), so proptest and `--regressions` read the same file.

use proptest::test_runner::{FailurePersistence, FileFailurePersistence, PersistedSeed};
use std::any::Any;
use std::fmt::Debug;
use std::io::Write as _;
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
    leaked: &'static str,
}

impl QuietFile {
    /// The regression file at `path`.
    pub fn new(path: PathBuf) -> Self {
        let leaked: &'static str = Box::leak(path.display().to_string().into_boxed_str());
        Self { path, leaked }
    }
}

impl FailurePersistence for QuietFile {
    fn load_persisted_failures2(&self, source_file: Option<&'static str>) -> Vec<PersistedSeed> {
        FileFailurePersistence::Direct(self.leaked).load_persisted_failures2(source_file)
    }

    fn save_persisted_failure2(
        &mut self,
        _source_file: Option<&'static str>,
        seed: PersistedSeed,
        shrunken_value: &dyn Debug,
    ) {
        let new = !self.path.is_file();
        let value = format!("{shrunken_value:?}").replace(['\n', '\r'], " ");
        let mut text = if new {
            HEADER.to_owned()
        } else {
            String::new()
        };
        text.push_str(&format!("{seed} # shrinks to {value}\n"));
        let written = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .and_then(|mut f| f.write_all(text.as_bytes()));
        // A failure the file cannot keep is still reported; say why once.
        if let Err(e) = written {
            eprintln!(
                "warning: cannot append the failing seed to {}: {e}",
                self.path.display()
            );
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
