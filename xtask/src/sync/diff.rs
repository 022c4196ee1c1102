//! What changed between the pages in `spec/use-cases/` and the pages `sync`
//! copies: pages added, changed or removed, and within a page, properties and
//! bullets (per section) added, changed or removed.

use enmeshed_conformance::spec::UseCase;
use similar::{DiffOp, capture_diff_slices};
use std::fmt;

/// How a bullet or property changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Only in the new version.
    Added {
        /// The new text.
        new: String,
    },
    /// Only in the old version.
    Removed {
        /// The old text.
        old: String,
    },
    /// In both, with other text.
    Changed {
        /// The old text.
        old: String,
        /// The new text.
        new: String,
    },
}

/// A change of one bullet of one section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulletChange {
    /// The section title (`On Success`, …).
    pub section: String,
    /// The page line (of the new version; of the old one for a removal).
    pub line: usize,
    /// What changed.
    pub change: Change,
}

/// A change of one property of the front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyChange {
    /// The property key.
    pub key: String,
    /// What changed (an empty value is written `(empty)`).
    pub change: Change,
}

/// A page that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageChange {
    /// A page new to `spec/use-cases/`.
    Added {
        /// File name.
        name: String,
        /// Its bullets, all added.
        bullets: Vec<BulletChange>,
    },
    /// A page whose bytes differ.
    Changed {
        /// File name.
        name: String,
        /// Changed properties.
        properties: Vec<PropertyChange>,
        /// Changed bullets.
        bullets: Vec<BulletChange>,
        /// Why the old version could not be compared, when it does not parse.
        old_unparsed: Option<String>,
    },
    /// A page the checkout no longer has.
    Removed {
        /// File name.
        name: String,
        /// Its bullets, all removed (empty when the old version does not parse).
        bullets: Vec<BulletChange>,
    },
}

impl PageChange {
    /// The page's file name.
    pub fn name(&self) -> &str {
        match self {
            Self::Added { name, .. } | Self::Changed { name, .. } | Self::Removed { name, .. } => {
                name
            }
        }
    }
}

/// The bullets of a page: (section title, page line, one-line text).
fn bullets(page: &UseCase) -> Vec<(String, usize, String)> {
    page.body
        .sections
        .iter()
        .flat_map(|section| {
            section.bullets.iter().map(|b| {
                (
                    section.kind.title().to_owned(),
                    b.line,
                    b.full_text()
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            })
        })
        .collect()
}

/// Every bullet of `page` as added (`added = true`) or removed.
pub fn all_bullets(page: &UseCase, added: bool) -> Vec<BulletChange> {
    bullets(page)
        .into_iter()
        .map(|(section, line, text)| BulletChange {
            section,
            line,
            change: if added {
                Change::Added { new: text }
            } else {
                Change::Removed { old: text }
            },
        })
        .collect()
}

/// The bullet changes from `old` to `new`, section by section, in page order.
pub fn bullet_changes(old: &UseCase, new: &UseCase) -> Vec<BulletChange> {
    let old_bullets = bullets(old);
    let new_bullets = bullets(new);
    let mut sections: Vec<String> = Vec::new();
    for (section, _, _) in new_bullets.iter().chain(&old_bullets) {
        if !sections.contains(section) {
            sections.push(section.clone());
        }
    }
    let mut changes = Vec::new();
    for section in sections {
        let before: Vec<&(String, usize, String)> =
            old_bullets.iter().filter(|b| b.0 == section).collect();
        let after: Vec<&(String, usize, String)> =
            new_bullets.iter().filter(|b| b.0 == section).collect();
        let before_texts: Vec<&str> = before.iter().map(|b| b.2.as_str()).collect();
        let after_texts: Vec<&str> = after.iter().map(|b| b.2.as_str()).collect();
        for op in capture_diff_slices(similar::Algorithm::Myers, &before_texts, &after_texts) {
            let change = |line: usize, change: Change| BulletChange {
                section: section.clone(),
                line,
                change,
            };
            match op {
                DiffOp::Equal { .. } => {}
                DiffOp::Delete {
                    old_index, old_len, ..
                } => {
                    for b in &before[old_index..old_index + old_len] {
                        changes.push(change(b.1, Change::Removed { old: b.2.clone() }));
                    }
                }
                DiffOp::Insert {
                    new_index, new_len, ..
                } => {
                    for b in &after[new_index..new_index + new_len] {
                        changes.push(change(b.1, Change::Added { new: b.2.clone() }));
                    }
                }
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => {
                    let olds = &before[old_index..old_index + old_len];
                    let news = &after[new_index..new_index + new_len];
                    for i in 0..olds.len().max(news.len()) {
                        match (olds.get(i), news.get(i)) {
                            (Some(o), Some(n)) => changes.push(change(
                                n.1,
                                Change::Changed {
                                    old: o.2.clone(),
                                    new: n.2.clone(),
                                },
                            )),
                            (Some(o), None) => {
                                changes.push(change(o.1, Change::Removed { old: o.2.clone() }));
                            }
                            (None, Some(n)) => {
                                changes.push(change(n.1, Change::Added { new: n.2.clone() }));
                            }
                            (None, None) => {}
                        }
                    }
                }
            }
        }
    }
    changes
}

/// The property changes from `old` to `new` (title included, as `title`).
pub fn property_changes(old: &UseCase, new: &UseCase) -> Vec<PropertyChange> {
    let value = |v: Option<&str>| v.unwrap_or("(empty)").to_owned();
    let mut keys: Vec<&str> = vec!["title"];
    for p in new.properties.iter().chain(&old.properties) {
        if !keys.contains(&p.key.as_str()) {
            keys.push(&p.key);
        }
    }
    let lookup = |page: &UseCase, key: &str| -> Option<Option<String>> {
        if key == "title" {
            return Some(page.title.clone());
        }
        page.properties
            .iter()
            .find(|p| p.key == key)
            .map(|p| p.value.clone())
    };
    keys.into_iter()
        .filter_map(|key| {
            let change = match (lookup(old, key), lookup(new, key)) {
                (Some(a), Some(b)) if a == b => return None,
                (Some(a), Some(b)) => Change::Changed {
                    old: value(a.as_deref()),
                    new: value(b.as_deref()),
                },
                (None, Some(b)) => Change::Added {
                    new: value(b.as_deref()),
                },
                (Some(a), None) => Change::Removed {
                    old: value(a.as_deref()),
                },
                (None, None) => return None,
            };
            Some(PropertyChange {
                key: key.to_owned(),
                change,
            })
        })
        .collect()
}

fn write_change(f: &mut fmt::Formatter<'_>, label: &str, change: &Change) -> fmt::Result {
    match change {
        Change::Added { new } => writeln!(f, "    {label} + {new}"),
        Change::Removed { old } => writeln!(f, "    {label} - {old}"),
        Change::Changed { old, new } => {
            writeln!(f, "    {label} ~ {old}")?;
            writeln!(
                f,
                "    {:width$} → {new}",
                "",
                width = label.chars().count()
            )
        }
    }
}

fn write_bullets(f: &mut fmt::Formatter<'_>, bullets: &[BulletChange]) -> fmt::Result {
    for b in bullets {
        write_change(f, &format!("{} (line {}):", b.section, b.line), &b.change)?;
    }
    Ok(())
}

impl fmt::Display for PageChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Added { name, bullets } => {
                writeln!(f, "  added   {name} ({} bullets)", bullets.len())?;
                write_bullets(f, bullets)
            }
            Self::Removed { name, bullets } => {
                writeln!(f, "  removed {name} ({} bullets)", bullets.len())?;
                write_bullets(f, bullets)
            }
            Self::Changed {
                name,
                properties,
                bullets,
                old_unparsed,
            } => {
                writeln!(f, "  changed {name}")?;
                if let Some(error) = old_unparsed {
                    writeln!(f, "    (the previous version does not parse: {error})")?;
                }
                for p in properties {
                    write_change(f, &format!("property {}:", p.key), &p.change)?;
                }
                write_bullets(f, bullets)?;
                if properties.is_empty() && bullets.is_empty() && old_unparsed.is_none() {
                    writeln!(f, "    (no property or bullet changed: text outside them)")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use enmeshed_conformance::spec::parse_page;
    use std::path::Path;

    fn page(precondition: &str, success: &str, failure: &str) -> UseCase {
        let text = format!(
            "---\ntitle: T\nproperties:\n  - id: TST1\n  - function: doIt\n  - precondition: {precondition}\n---\n\n## On Success\n\n{success}\n## On Failure\n\n{failure}"
        );
        parse_page(Path::new("t.md"), text.as_bytes()).unwrap()
    }

    #[test]
    fn bullets_added_changed_and_removed_per_section() {
        let old = page("", "- A.\n- B.\n- C.\n", "- F1.\n- F2.\n");
        let new = page("P.", "- A.\n- B2.\n- C.\n- D.\n", "- F2.\n");
        let changes = bullet_changes(&old, &new);
        assert_eq!(
            changes
                .iter()
                .map(|c| (c.section.as_str(), c.change.clone()))
                .collect::<Vec<_>>(),
            [
                (
                    "On Success",
                    Change::Changed {
                        old: "B.".into(),
                        new: "B2.".into()
                    }
                ),
                ("On Success", Change::Added { new: "D.".into() }),
                ("On Failure", Change::Removed { old: "F1.".into() }),
            ]
        );
        assert_eq!(
            property_changes(&old, &new),
            [PropertyChange {
                key: "precondition".into(),
                change: Change::Changed {
                    old: "(empty)".into(),
                    new: "P.".into()
                }
            }]
        );
        let shown = PageChange::Changed {
            name: "t.md".into(),
            properties: property_changes(&old, &new),
            bullets: changes,
            old_unparsed: None,
        }
        .to_string();
        assert!(
            shown.contains("property precondition: ~ (empty)"),
            "{shown}"
        );
        assert!(shown.contains("On Success (line 12): ~ B."), "{shown}");
        assert!(shown.contains("→ B2."), "{shown}");
        assert!(shown.contains("On Failure (line 17): - F1."), "{shown}");
    }

    #[test]
    fn identical_pages_have_no_changes() {
        let a = page("", "- A.\n", "- F.\n");
        assert!(bullet_changes(&a, &a).is_empty());
        assert!(property_changes(&a, &a).is_empty());
        assert_eq!(all_bullets(&a, true).len(), 2);
    }
}
