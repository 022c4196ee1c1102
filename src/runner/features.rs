//! Reading the feature files, and marking the scenarios that need a
//! capability the implementation lacks as explained skips: they keep their
//! steps, carry the `@skipped.capability` tag and the reason as the first
//! line of their description, and are not run (the runner records them as
//! skipped).

use crate::adapter::{Capability, ImplementationInfo};
use crate::fsio;
use crate::levels::Origins;
use crate::suite::EmbeddedFile;
use crate::vocabulary::required_capabilities;
use cucumber::feature::Ext as _;
use cucumber::gherkin::{self, GherkinEnv};
use cucumber::parser;
use futures::stream;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The tag marking a scenario skipped for a missing capability (the only
/// skip the run tolerates).
pub const SKIPPED_FOR_CAPABILITY_TAG: &str = "skipped.capability";

/// The largest feature file read, in bytes.
pub const MAX_FEATURE_BYTES: u64 = fsio::read::MAX_INPUT_BYTES;

/// The `.feature` files under each of `roots` (a file or a directory, searched
/// recursively), sorted per root. Each real file is listed once, however many
/// links lead to it, and each real directory is visited once, so links to a
/// parent never loop or duplicate scenarios. Only regular files of at most
/// [`MAX_FEATURE_BYTES`] are accepted: a FIFO, device or socket named
/// `*.feature` is an error. A missing root is an error.
pub fn feature_files(roots: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut walk = Walk::default();
    for root in roots {
        let metadata = std::fs::metadata(root)
            .map_err(|e| format!("features path {} does not exist: {e}", root.display()))?;
        if metadata.is_dir() {
            let mut found = Vec::new();
            walk.directory(root, &mut found)?;
            found.sort();
            walk.files.extend(found);
        } else {
            walk.file(root, &metadata)?;
        }
    }
    Ok(walk.files)
}

/// The state of one discovery: what has been seen, by canonical path.
#[derive(Default)]
struct Walk {
    directories: HashSet<PathBuf>,
    seen: HashSet<PathBuf>,
    files: Vec<PathBuf>,
}

fn canonical(path: &Path) -> Result<PathBuf, String> {
    std::fs::canonicalize(path).map_err(|e| format!("cannot resolve {}: {e}", path.display()))
}

impl Walk {
    /// Adds the feature file `path` unless its real file was seen already.
    fn file(&mut self, path: &Path, metadata: &std::fs::Metadata) -> Result<(), String> {
        check_feature_file(path, metadata)?;
        if self.seen.insert(canonical(path)?) {
            self.files.push(path.to_path_buf());
        }
        Ok(())
    }

    /// Collects the feature files under `dir` into `out` (unsorted), unless
    /// its real directory was visited already.
    fn directory(&mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        if !self.directories.insert(canonical(dir)?) {
            return Ok(());
        }
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry
                .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
                .path();
            let is_feature = path.extension().is_some_and(|e| e == "feature");
            let metadata = match std::fs::metadata(&path) {
                Ok(metadata) => metadata,
                // A dangling link that is not named like a feature is not ours to judge.
                Err(_) if !is_feature => continue,
                Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
            };
            if metadata.is_dir() {
                self.directory(&path, out)?;
            } else if is_feature {
                check_feature_file(&path, &metadata)?;
                if self.seen.insert(canonical(&path)?) {
                    out.push(path);
                }
            }
        }
        Ok(())
    }
}

/// The limits of a feature file: the shared bounded reader's, with
/// [`MAX_FEATURE_BYTES`].
pub const FEATURE_LIMIT: fsio::Limit = fsio::Limit {
    max_bytes: MAX_FEATURE_BYTES,
    what: "a feature file",
};

/// A feature file must be a regular file of at most [`MAX_FEATURE_BYTES`].
fn check_feature_file(path: &Path, metadata: &std::fs::Metadata) -> Result<(), String> {
    fsio::read::check(path, metadata, FEATURE_LIMIT).map_err(|e| e.to_string())
}

/// Reads a feature file through the shared bounded reader
/// ([`fsio::read_text`]): opened without blocking (a FIFO that replaced it
/// since discovery cannot hang the suite), checked to be a regular file, and
/// read up to [`MAX_FEATURE_BYTES`].
pub fn read_feature(path: &Path) -> Result<String, String> {
    fsio::read_text(path, FEATURE_LIMIT).map_err(|e| e.to_string())
}

/// The spec digest of `files` ([`crate::digest::of_files`] over each file's
/// name and content, in the given order: `sha256:` + hex); a file that
/// cannot be read is an error.
pub fn spec_digest(files: &[PathBuf]) -> Result<String, String> {
    let mut named = Vec::with_capacity(files.len());
    for file in files {
        let name = file
            .file_name()
            .map(|n| n.as_encoded_bytes().to_vec())
            .unwrap_or_default();
        named.push((name, read_feature(file)?));
    }
    Ok(crate::digest::of_files(
        named.iter().map(|(n, t)| (n.as_slice(), t.as_bytes())),
    ))
}

/// Where the features of a run come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Features {
    /// The suite built into the binary ([`crate::suite::FEATURES`]).
    Embedded,
    /// Feature files or directories on disk (searched recursively).
    Paths(Vec<PathBuf>),
}

/// One feature file of a run: on disk, or built into the binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeatureSource {
    /// A file on disk.
    File(PathBuf),
    /// An embedded file, named by its path in this repository.
    Embedded(&'static EmbeddedFile),
}

impl FeatureSource {
    /// The path reports name: the file's, or `embedded:` and the embedded
    /// file's path in this repository (`embedded:features/manual/dto.feature`).
    pub fn path(&self) -> PathBuf {
        match self {
            FeatureSource::File(path) => path.clone(),
            FeatureSource::Embedded(file) => PathBuf::from(file.location()),
        }
    }

    /// The file on disk, if it is one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            FeatureSource::File(path) => Some(path),
            FeatureSource::Embedded(_) => None,
        }
    }
}

/// The feature files of `features`, in run order (see [`feature_files`]).
pub fn discover(features: &Features) -> Result<Vec<FeatureSource>, String> {
    match features {
        Features::Embedded => Ok(crate::suite::FEATURES
            .iter()
            .map(FeatureSource::Embedded)
            .collect()),
        Features::Paths(roots) => Ok(feature_files(roots)?
            .into_iter()
            .map(FeatureSource::File)
            .collect()),
    }
}

/// The spec digest of `sources`: [`spec_digest`] over files on disk;
/// `embedded:` + the same digest when every source is embedded, so the
/// reports name the built-in suite (and its export digests the same).
pub fn sources_digest(sources: &[FeatureSource]) -> Result<String, String> {
    let embedded: Option<Vec<&EmbeddedFile>> = sources
        .iter()
        .map(|s| match s {
            FeatureSource::Embedded(file) => Some(*file),
            FeatureSource::File(_) => None,
        })
        .collect();
    match embedded {
        Some(files) if !files.is_empty() => Ok(format!(
            "{}{}",
            crate::suite::EMBEDDED_DIGEST_PREFIX,
            crate::digest::of_files(
                files
                    .iter()
                    .map(|f| (f.file_name().as_bytes(), f.text.as_bytes()))
            )
        )),
        _ => {
            let files: Vec<PathBuf> = sources.iter().map(FeatureSource::path).collect();
            spec_digest(&files)
        }
    }
}

/// Parses one feature source and expands its Scenario Outlines.
pub fn parse_source(source: &FeatureSource) -> Result<gherkin::Feature, parser::Error> {
    match source {
        FeatureSource::File(path) => parse_feature(path),
        FeatureSource::Embedded(file) => parse_text(Path::new(&file.location()), file.text),
    }
}

/// Parses one feature file and expands its Scenario Outlines.
pub fn parse_feature(path: &Path) -> Result<gherkin::Feature, parser::Error> {
    let reading = |message: String| {
        parser::Error::from(gherkin::ParseFileError::Reading {
            path: path.to_path_buf(),
            source: std::io::Error::other(message),
        })
    };
    let text = read_feature(path).map_err(reading)?;
    parse_text(path, &text)
}

/// Parses `text` as the feature file `path`, tags each scenario with its
/// level (`crate::levels`) and expands its Scenario Outlines.
fn parse_text(path: &Path, text: &str) -> Result<gherkin::Feature, parser::Error> {
    let mut feature = gherkin::Feature::parse(text, GherkinEnv::default()).map_err(|source| {
        parser::Error::from(gherkin::ParseFileError::Parsing {
            path: path.to_path_buf(),
            error: None,
            source,
        })
    })?;
    feature.path = Some(path.to_path_buf());
    crate::levels::tag_feature(&mut feature, text);
    Ok(feature.expand_examples()?)
}

/// The scenario origins of each feature file, read once per file: the
/// built-in files by their repository path, others from disk.
#[derive(Debug, Default)]
pub struct FileOrigins {
    files: HashMap<PathBuf, Option<Origins>>,
}

impl FileOrigins {
    /// The origins of the scenarios of the feature file `path` (`None`: unreadable).
    pub fn of(&mut self, path: &Path) -> Option<&Origins> {
        self.files
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                let embedded = crate::suite::FEATURES
                    .iter()
                    .find(|f| Path::new(f.path) == path || Path::new(&f.location()) == path)
                    .map(|f| f.text.to_owned());
                let text = embedded.or_else(|| read_feature(path).ok())?;
                Some(Origins::new(&text))
            })
            .as_ref()
    }
}

/// The cucumber parser of this suite: reads the given files, tags every
/// scenario that needs a capability with `@requires.<capability>`, and
/// marks the scenarios the implementation cannot run as explained skips.
#[derive(Debug, Clone)]
pub struct FeatureFiles {
    /// What the implementation can do.
    pub capabilities: BTreeSet<Capability>,
    /// The implementation's name, for the skip reason.
    pub implementation: String,
}

impl FeatureFiles {
    /// The parser for the implementation described by `info`.
    pub fn for_implementation(info: &ImplementationInfo) -> Self {
        Self {
            capabilities: info.capabilities.clone(),
            implementation: info.name.clone(),
        }
    }

    fn rewrite(&self, feature: &mut gherkin::Feature) {
        // Only this rewrite may mark a capability skip: a user-written tag of
        // that name would hide the scenario's failures.
        let forged = |tags: &mut Vec<String>| tags.retain(|t| t != SKIPPED_FOR_CAPABILITY_TAG);
        forged(&mut feature.tags);
        for rule in &mut feature.rules {
            forged(&mut rule.tags);
            rule.scenarios.iter_mut().for_each(|s| forged(&mut s.tags));
        }
        feature
            .scenarios
            .iter_mut()
            .for_each(|s| forged(&mut s.tags));
        let feature_tags = feature.tags.clone();
        for scenario in &mut feature.scenarios {
            self.rewrite_scenario(&feature_tags, &[], scenario);
        }
        for rule in &mut feature.rules {
            for scenario in &mut rule.scenarios {
                self.rewrite_scenario(&feature_tags, &rule.tags, scenario);
            }
        }
    }

    fn rewrite_scenario(
        &self,
        feature_tags: &[String],
        rule_tags: &[String],
        scenario: &mut gherkin::Scenario,
    ) {
        let tags = feature_tags.iter().chain(rule_tags).chain(&scenario.tags);
        let needed = required_capabilities(tags, scenario.steps.iter().map(|s| s.value.as_str()));
        // A scenario whose steps need a capability carries its tag, so that tag
        // expressions such as `not @requires.clock` select it like a tagged one.
        for capability in &needed {
            let tag = capability.tag();
            let inherited = feature_tags.iter().chain(rule_tags).any(|t| *t == tag);
            if !inherited && !scenario.tags.contains(&tag) {
                scenario.tags.push(tag);
            }
        }
        let missing: Vec<&str> = needed
            .difference(&self.capabilities)
            .map(|c| c.name())
            .collect();
        if missing.is_empty() {
            return;
        }
        // The scenario keeps its steps (reports list them as skipped); the
        // reason is the first line of its description.
        let reason = format!(
            "SKIPPED: {} lacks the `{}` capability this scenario needs",
            crate::sanitize::terminal::line(&crate::protocol::excerpt(&self.implementation)),
            missing.join("`, `")
        );
        scenario.description = Some(match scenario.description.take() {
            Some(own) if !own.trim().is_empty() => format!("{reason}\n{own}"),
            _ => reason,
        });
        scenario.tags.push(SKIPPED_FOR_CAPABILITY_TAG.to_owned());
    }
}

impl FeatureFiles {
    /// Reads and parses one feature file, with the capability tags and skips.
    pub fn read(&self, source: &FeatureSource) -> parser::Result<gherkin::Feature> {
        parse_source(source).map(|mut feature| {
            self.rewrite(&mut feature);
            feature
        })
    }
}

impl cucumber::Parser<Vec<FeatureSource>> for FeatureFiles {
    type Cli = cucumber::cli::Empty;
    type Output = stream::Iter<std::vec::IntoIter<parser::Result<gherkin::Feature>>>;

    fn parse(self, input: Vec<FeatureSource>, _cli: Self::Cli) -> Self::Output {
        let features: Vec<_> = input.iter().map(|source| self.read(source)).collect();
        stream::iter(features)
    }
}

/// Features parsed already (by [`FeatureFiles::read`]), handed to cucumber
/// as they are: the run reads and parses each file once.
#[derive(Debug, Clone, Copy, Default)]
pub struct Parsed;

impl cucumber::Parser<Vec<parser::Result<gherkin::Feature>>> for Parsed {
    type Cli = cucumber::cli::Empty;
    type Output = stream::Iter<std::vec::IntoIter<parser::Result<gherkin::Feature>>>;

    fn parse(self, input: Vec<parser::Result<gherkin::Feature>>, _cli: Self::Cli) -> Self::Output {
        stream::iter(input)
    }
}

/// Whether a scenario is a capability skip (it is not run).
pub fn is_capability_skip(scenario: &gherkin::Scenario) -> bool {
    scenario
        .tags
        .iter()
        .any(|t| t == SKIPPED_FOR_CAPABILITY_TAG)
}

/// Why a capability skip is skipped (`SKIPPED: <implementation> lacks …`).
pub fn capability_skip_reason(scenario: &gherkin::Scenario) -> Option<&str> {
    if !is_capability_skip(scenario) {
        return None;
    }
    scenario
        .description
        .as_deref()
        .and_then(|d| d.lines().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_suite_is_discovered_parsed_and_digested_under_its_own_name() {
        let sources = discover(&Features::Embedded).unwrap();
        assert_eq!(sources.len(), crate::suite::FEATURES.len());
        assert!(sources.iter().all(|s| s.file().is_none()));
        let feature = parse_source(&sources[0]).unwrap();
        assert_eq!(
            feature.path.as_deref(),
            Some(Path::new(&format!(
                "embedded:{}",
                crate::suite::FEATURES[0].path
            )))
        );
        let digest = sources_digest(&sources).unwrap();
        assert!(digest.starts_with("embedded:sha256:"), "{digest}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.feature");
        std::fs::write(&file, "Feature: a\n").unwrap();
        let on_disk = sources_digest(&[FeatureSource::File(file)]).unwrap();
        assert_eq!(
            on_disk,
            crate::digest::tagged(b"a.feature\0Feature: a\n\0"),
            "the digest of one file: its name and content"
        );
    }

    #[test]
    fn the_spec_digest_fails_on_a_file_it_cannot_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.feature");
        std::fs::write(&file, "Feature: a\n").unwrap();
        let digest = spec_digest(std::slice::from_ref(&file)).unwrap();
        assert_eq!(
            digest,
            crate::digest::of_files([(&b"a.feature"[..], &b"Feature: a\n"[..])])
        );
        let missing = dir.path().join("gone.feature");
        let error = spec_digest(&[file, missing]).unwrap_err();
        assert!(error.contains("gone.feature"), "{error}");
    }
}
