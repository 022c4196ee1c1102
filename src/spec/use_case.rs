//! The typed use case built from a page's front matter and body.

use super::SpecError;
use super::body::{Body, SectionKind};
use super::yaml_value::{Node, Value};
use std::path::{Path, PathBuf};

/// The 23 property keys of a use-case page, in the order the pages list them.
pub const PROPERTY_KEYS: [&str; 23] = [
    "id",
    "component",
    "layer",
    "facade",
    "function",
    "description",
    "feature category",
    "tech category",
    "status",
    "documentation status",
    "comments",
    "actor",
    "trigger",
    "precondition",
    "result",
    "priority",
    "complexity",
    "size",
    "created_at",
    "changed_at",
    "api_route_regex",
    "published",
    "link",
];

/// One entry of the `properties` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    /// The key, as written (keys may contain spaces).
    pub key: String,
    /// The value as text; `None` when empty.
    pub value: Option<String>,
    /// 1-based page line of the entry.
    pub line: usize,
}

/// A parsed use-case page.
#[derive(Debug, Clone, PartialEq)]
pub struct UseCase {
    /// Where the page was read from.
    pub path: PathBuf,
    /// The page's file name, which names its generated feature.
    pub file_name: String,
    /// Top-level `title`.
    pub title: Option<String>,
    /// Top-level `permalink`.
    pub permalink: Option<String>,
    /// Top-level `published` (not the property of the same name).
    pub published: Option<bool>,
    /// The `properties` list, in source order.
    pub properties: Vec<Property>,
    /// Every other top-level key, kept as parsed.
    pub other_keys: Vec<(String, Node)>,
    /// 1-based line of the `properties` key (or of the front matter).
    pub properties_line: usize,
    /// The Markdown body.
    pub body: Body,
}

fn scalar(path: &Path, key: &str, node: &Node) -> Result<Option<String>, SpecError> {
    node.value.scalar_text().map(non_empty).map_err(|kind| {
        SpecError::new(
            path,
            node.line,
            Some(node.column),
            format!("`{key}` must be a single value, found {kind}"),
        )
    })
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl UseCase {
    /// Builds the use case from the top-level mapping of the front matter.
    pub(super) fn from_yaml(
        path: &Path,
        top: Vec<(String, Node)>,
        front_matter_line: usize,
    ) -> Result<Self, SpecError> {
        let mut use_case = UseCase {
            path: path.to_path_buf(),
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            title: None,
            permalink: None,
            published: None,
            properties: Vec::new(),
            other_keys: Vec::new(),
            properties_line: front_matter_line,
            body: Body::default(),
        };
        for (key, node) in top {
            match key.as_str() {
                "title" => use_case.title = scalar(path, &key, &node)?,
                "permalink" => use_case.permalink = scalar(path, &key, &node)?,
                "published" => {
                    use_case.published = match node.value {
                        Value::Bool(b) => Some(b),
                        Value::Null => None,
                        ref other => {
                            return Err(SpecError::new(
                                path,
                                node.line,
                                Some(node.column),
                                format!(
                                    "`published` must be true or false, found {}",
                                    other.kind()
                                ),
                            ));
                        }
                    }
                }
                "properties" => {
                    use_case.properties_line = node.line;
                    use_case.properties = properties(path, &node)?;
                }
                _ => use_case.other_keys.push((key, node)),
            }
        }
        Ok(use_case)
    }

    /// The value of property `key`, or `None` when it is absent or empty.
    pub fn property(&self, key: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|p| p.key == key)
            .and_then(|p| p.value.as_deref())
    }

    /// The use-case id (`RID1`, ...), if the page has one.
    pub fn id(&self) -> Option<&str> {
        self.property("id")
    }

    /// What the actor calls: the `function` property, or for pages that
    /// document a REST route instead, the `api_route_regex` property.
    pub fn callable(&self) -> Option<&str> {
        self.property("function")
            .or_else(|| self.property("api_route_regex"))
    }

    /// A page with outcome sections must name its id, title and function:
    /// the generated feature cannot be written without them.
    pub(super) fn check_executable(&self) -> Result<(), SpecError> {
        if !self.body.has_outcomes() {
            return Ok(());
        }
        let missing: Vec<&str> = [
            ("id", self.id().is_none()),
            ("title", self.title.is_none()),
            ("function (or api_route_regex)", self.callable().is_none()),
        ]
        .into_iter()
        .filter_map(|(name, absent)| absent.then_some(name))
        .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let first_outcome = self
            .body
            .sections
            .iter()
            .find(|s| s.kind != SectionKind::Parameters)
            .map_or(self.properties_line, |s| s.line);
        let line = self
            .properties
            .iter()
            .find(|p| {
                missing
                    .first()
                    .is_some_and(|m| m.starts_with(p.key.as_str()))
            })
            .map_or(self.properties_line, |p| p.line);
        Err(SpecError::new(
            &self.path,
            line,
            None,
            format!(
                "the page has outcome sections (from line {first_outcome}) but no {}",
                missing.join(", no ")
            ),
        ))
    }
}

fn properties(path: &Path, node: &Node) -> Result<Vec<Property>, SpecError> {
    let items = match &node.value {
        Value::Null => return Ok(Vec::new()),
        Value::Seq(items) => items,
        other => {
            return Err(SpecError::new(
                path,
                node.line,
                Some(node.column),
                format!(
                    "`properties` must be a list of single-key maps (`- id: RID1`), found {}",
                    other.kind()
                ),
            ));
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let entry = match &item.value {
            Value::Map(entries) if entries.len() == 1 => &entries[0],
            Value::Map(entries) => {
                return Err(SpecError::new(
                    path,
                    item.line,
                    Some(item.column),
                    format!(
                        "`properties` must be a list of single-key maps; item {} has {} keys",
                        index + 1,
                        entries.len()
                    ),
                ));
            }
            other => {
                return Err(SpecError::new(
                    path,
                    item.line,
                    Some(item.column),
                    format!(
                        "`properties` must be a list of single-key maps; item {} is {}",
                        index + 1,
                        other.kind()
                    ),
                ));
            }
        };
        let (key, value) = entry;
        out.push(Property {
            key: key.clone(),
            value: scalar(path, &format!("properties.{key}"), value)?,
            line: item.line,
        });
    }
    Ok(out)
}
