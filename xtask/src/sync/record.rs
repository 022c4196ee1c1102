//! `spec/SOURCE.toml`: where the pages of `spec/use-cases/` come from.
//!
//! ```toml
//! repository = "https://github.com/nmshd/nmshd.github.io"
//! path = "_docs_use-cases/"
//! commit = "a683209d"
//!
//! [pages]
//! "use-case-transport-initiate-identitydeletionprocess.md" = "sha256:d07e…"
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The documentation repository the pages are copied from.
pub const REPOSITORY: &str = "https://github.com/nmshd/nmshd.github.io";

/// The source record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRecord {
    /// The repository's address.
    pub repository: String,
    /// The directory of the pages in the repository (with a trailing `/`).
    pub path: String,
    /// The commit the pages were copied at.
    pub commit: String,
    /// Page file name → `sha256:<hex>` of its bytes.
    pub pages: BTreeMap<String, String>,
}

/// The digest written for `bytes`.
pub fn digest(bytes: &[u8]) -> String {
    enmeshed_conformance::digest::tagged(bytes)
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl SourceRecord {
    /// The file text (deterministic: pages sorted by name, LF line ends).
    pub fn render(&self) -> String {
        let mut text = String::from(
            "# Where spec/use-cases/ comes from: the published use-case pages of the enmeshed\n\
             # documentation, byte for byte. Written by `cargo xtask sync`; see docs/maintainers.md.\n",
        );
        let _ = writeln!(text, "repository = {}", toml_string(&self.repository));
        let _ = writeln!(text, "path = {}", toml_string(&self.path));
        let _ = writeln!(text, "commit = {}", toml_string(&self.commit));
        text.push_str("\n# Page file name = SHA-256 of its bytes.\n[pages]\n");
        for (name, digest) in &self.pages {
            let _ = writeln!(text, "{} = {}", toml_string(name), toml_string(digest));
        }
        text
    }

    /// Reads a record; `Ok(None)` when the file does not exist.
    pub fn read(path: &Path) -> Result<Option<Self>, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        Self::parse(&text)
            .map(Some)
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses the text of a record.
    pub fn parse(text: &str) -> Result<Self, String> {
        let doc: toml_edit::DocumentMut = text
            .parse()
            .map_err(|e: toml_edit::TomlError| e.to_string().trim().to_owned())?;
        let field = |key: &str| {
            doc.get(key)
                .and_then(|item| item.as_str())
                .map(str::to_owned)
                .ok_or_else(|| format!("`{key}` is missing or not a string"))
        };
        let mut pages = BTreeMap::new();
        if let Some(table) = doc.get("pages") {
            let table = table
                .as_table_like()
                .ok_or_else(|| "`pages` is not a table".to_owned())?;
            for (name, value) in table.iter() {
                let digest = value
                    .as_str()
                    .ok_or_else(|| format!("the digest of `{name}` is not a string"))?;
                pages.insert(name.to_owned(), digest.to_owned());
            }
        }
        Ok(Self {
            repository: field("repository")?,
            path: field("path")?,
            commit: field("commit")?,
            pages,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_parses_back() {
        let record = SourceRecord {
            repository: REPOSITORY.to_owned(),
            path: "_docs_use-cases/".to_owned(),
            commit: "a683209d".to_owned(),
            pages: [
                ("b.md".to_owned(), digest(b"b")),
                ("a \"quoted\"\\.md".to_owned(), digest(b"")),
            ]
            .into_iter()
            .collect(),
        };
        let text = record.render();
        assert!(
            text.contains("\"a \\\"quoted\\\"\\\\.md\" = \"sha256:e3b0c442"),
            "{text}"
        );
        assert!(text.find("a \\\"quoted").unwrap() < text.find("\"b.md\"").unwrap());
        assert_eq!(SourceRecord::parse(&text).unwrap(), record);
    }

    #[test]
    fn a_broken_record_is_an_error() {
        assert!(SourceRecord::parse("repository = ").is_err());
        let error = SourceRecord::parse("repository = \"r\"\npath = \"p\"\n").unwrap_err();
        assert!(error.contains("`commit`"), "{error}");
    }

    #[test]
    fn the_committed_record_matches_the_committed_pages() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let record = SourceRecord::read(&root.join("spec/SOURCE.toml"))
            .unwrap()
            .expect("spec/SOURCE.toml exists");
        let names = super::super::checkout::md_names(&root.join("spec/use-cases")).unwrap();
        assert_eq!(
            record.pages.keys().cloned().collect::<Vec<_>>(),
            names,
            "spec/SOURCE.toml lists exactly the pages of spec/use-cases"
        );
        for (name, recorded) in &record.pages {
            let bytes = std::fs::read(root.join("spec/use-cases").join(name)).unwrap();
            assert_eq!(
                &digest(&bytes),
                recorded,
                "spec/use-cases/{name} is not the page spec/SOURCE.toml records: pages are copied verbatim by `cargo xtask sync`, never edited"
            );
        }
    }
}
