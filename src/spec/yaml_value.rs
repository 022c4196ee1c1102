//! A YAML tree that remembers where each node stands in the page.
//!
//! serde-saphyr parses the front matter (rejecting duplicate keys); the tree
//! keeps every key, known or not, so that [`super::UseCase`] can pick the known
//! ones and keep the rest.

use super::SpecError;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;
use std::path::Path;

/// A YAML node with its 1-based line and column in the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// 1-based line in the page.
    pub line: usize,
    /// 1-based column in the page.
    pub column: usize,
}

/// A YAML value; sequences and mappings hold located [`Node`]s.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `~`, `null` or nothing at all.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i128),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order.
    Map(Vec<(String, Node)>),
}

impl Value {
    /// The scalar as text (`None` for null), or `Err` for a sequence or mapping.
    pub fn scalar_text(&self) -> Result<Option<String>, &'static str> {
        Ok(Some(match self {
            Value::Null => return Ok(None),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Str(s) => s.clone(),
            Value::Seq(_) => return Err("a list"),
            Value::Map(_) => return Err("a mapping"),
        }))
    }

    /// A short name of the kind of value, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "empty",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A node whose position is relative to the YAML text, before it is shifted
/// to the page's line numbering.
struct RawNode(Spanned<RawValue>);

enum RawValue {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<RawNode>),
    Map(Vec<(String, RawNode)>),
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Spanned::<RawValue>::deserialize(d).map(RawNode)
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawValue, D::Error> {
        RawValue::deserialize(d)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Int(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
        Ok(RawValue::Int(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawValue, E> {
        Ok(RawValue::Int(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawValue, E> {
        Ok(i128::try_from(v).map_or_else(|_| RawValue::Str(v.to_string()), RawValue::Int))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<RawNode>()? {
            items.push(item);
        }
        Ok(RawValue::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value::<RawNode>()?;
            entries.push((key, value));
        }
        Ok(RawValue::Map(entries))
    }
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

impl RawNode {
    fn into_node(self, first_line: usize) -> Node {
        let location = self.0.referenced;
        let value = match self.0.value {
            RawValue::Null => Value::Null,
            RawValue::Bool(b) => Value::Bool(b),
            RawValue::Int(i) => Value::Int(i),
            RawValue::Float(f) => Value::Float(f),
            RawValue::Str(s) => Value::Str(s),
            RawValue::Seq(items) => {
                Value::Seq(items.into_iter().map(|n| n.into_node(first_line)).collect())
            }
            RawValue::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, n)| (k, n.into_node(first_line)))
                    .collect(),
            ),
        };
        Node {
            value,
            line: first_line + to_usize(location.line()).saturating_sub(1),
            column: to_usize(location.column()).max(1),
        }
    }
}

/// Parses the front matter `yaml` (which starts on page line `first_line`) into
/// its top-level mapping.
pub fn parse_mapping(
    path: &Path,
    yaml: &str,
    first_line: usize,
) -> Result<Vec<(String, Node)>, SpecError> {
    let raw: RawNode = serde_saphyr::from_str(yaml).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| {
                (
                    first_line + to_usize(l.line()).saturating_sub(1),
                    Some(to_usize(l.column())),
                )
            })
            .unwrap_or((first_line, None));
        SpecError::new(
            path,
            line,
            column,
            format!(
                "invalid YAML front matter: {}",
                first_line_of(&e.without_snippet().to_string(), first_line)
            ),
        )
    })?;
    let node = raw.into_node(first_line);
    match node.value {
        Value::Map(entries) => Ok(entries),
        Value::Null => Err(SpecError::new(
            path,
            first_line,
            None,
            "the front matter is empty",
        )),
        other => Err(SpecError::new(
            path,
            node.line,
            Some(node.column),
            format!(
                "the front matter must be a mapping of keys to values, found {}",
                other.kind()
            ),
        )),
    }
}

/// The first line of a serde-saphyr message, whole: a trailing position
/// (which repeats the error's location) is dropped, and every other line
/// number it names (counted from the start of the YAML) becomes a page line.
fn first_line_of(message: &str, first_line: usize) -> String {
    let line = message.lines().next().unwrap_or(message).trim();
    let line = match line.rfind(" at line ") {
        Some(i) if is_position(&line[i + " at line ".len()..]) => &line[..i],
        _ => line,
    };
    let line = line
        .split(", set DuplicateKeyPolicy")
        .next()
        .unwrap_or(line);
    page_lines(line.trim_end_matches(','), first_line)
}

/// Whether `text` is exactly `N, column M`.
fn is_position(text: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    text.split_once(", column ")
        .is_some_and(|(line, column)| digits(line) && digits(column))
}

/// `text` with each `line N` (a YAML line) turned into the page line.
fn page_lines(text: &str, first_line: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("line ") {
        let (before, after) = rest.split_at(i + "line ".len());
        out.push_str(before);
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        match after[..digits].parse::<usize>() {
            Ok(n) if n > 0 => out.push_str(&(first_line + n - 1).to_string()),
            _ => out.push_str(&after[..digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod message_tests {
    use super::*;

    #[test]
    fn an_alias_bomb_message_is_whole_and_in_page_lines() {
        let yaml = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
        let e = parse_mapping(Path::new("p.md"), yaml, 2)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("p.md:7:11: invalid YAML front matter: budget breached"),
            "{e}"
        );
        assert!(
            e.ends_with("(defined at line 6, column 7) (used at line 7, column 11)"),
            "{e}"
        );
    }

    #[test]
    fn a_trailing_position_is_dropped() {
        assert_eq!(
            first_line_of("bad thing at line 3, column 4\nsnippet", 10),
            "bad thing"
        );
    }
}
