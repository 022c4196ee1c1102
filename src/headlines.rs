//! One defect, one headline: a run's new failures grouped by the rule they
//! break, each with how many test cases it fails and the clearest single
//! example. One defect (a default grace period of 15 days) can fail half the
//! suite under one rule; its headline says so once, before the per-scenario
//! list, in the console, the summary, the HTML report and the annotations.
//!
//! The grouping is pure: each sink turns its own records into [`Entry`]s
//! (`runner::reports::headlines` from a run, `report_html` from a results
//! file), so both choose the same example by the same rules. Expected
//! failures (listed or waived by an expectations file) are not entries: they
//! are no new failure.

use crate::levels::Level;

/// The most annotations a run emits: GitHub shows about ten per step. The
/// last one names the rules beyond it.
pub const MAX_ANNOTATIONS: usize = 10;

/// One failed or errored test case, as the grouping sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Where the caller keeps the case (its index), returned as the example.
    pub at: usize,
    /// The rule id of a failure, or the fault kind of an errored case.
    pub key: &'a str,
    /// Whether the case errored (a fault, not a rule).
    pub fault: bool,
    /// The case's level (`None`: untagged).
    pub level: Option<Level>,
    /// A fuzz property (a whole sequence: a less clear example than a scenario).
    pub fuzz: bool,
    /// Found by a check made for something else (`Observed::indirect`).
    pub indirect: bool,
    /// How many steps the scenario has (fewer: a clearer example).
    pub steps: usize,
}

impl Entry<'_> {
    /// How clear an example this case is: lower is clearer. A scenario
    /// before a fuzz property, the step's own check before a failure found
    /// while doing something else, the shorter scenario, the higher level,
    /// then the run's order.
    fn clarity(&self) -> (bool, bool, usize, Option<Level>, usize) {
        (self.fuzz, self.indirect, self.steps, self.level, self.at)
    }
}

/// A rule (or a fault kind) with the test cases it fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headline {
    /// The rule id, or the fault kind of errored cases.
    pub key: String,
    /// Whether these are errored cases (grouped by fault kind).
    pub fault: bool,
    /// How many test cases it fails.
    pub cases: usize,
    /// How many of them at each level, most authoritative first (levels with none left out).
    pub by_level: Vec<(Level, usize)>,
    /// The clearest example: its [`Entry::at`].
    pub example: usize,
}

impl Headline {
    /// The most authoritative level it fails at.
    pub fn level(&self) -> Option<Level> {
        self.by_level.first().map(|(level, _)| *level)
    }

    /// `RID1.gracePeriodEndsAt fails 51 test cases (published 1, derived 6, …)`.
    pub fn title(&self) -> String {
        format!("{} {}", self.key, self.count())
    }

    /// `fails 51 test cases (published 1, derived 6, …)` (`errors in …` for a fault kind).
    pub fn count(&self) -> String {
        let verb = if self.fault { "errors in" } else { "fails" };
        let cases = plural(self.cases, "test case");
        if self.by_level.is_empty() {
            format!("{verb} {cases}")
        } else {
            format!("{verb} {cases} ({})", self.levels())
        }
    }

    /// `published 1, derived 6, …`: how many test cases it fails at each level.
    pub fn levels(&self) -> String {
        let levels: Vec<String> = self
            .by_level
            .iter()
            .map(|(level, n)| format!("{level} {n}"))
            .collect();
        levels.join(", ")
    }
}

/// `N rules fail M test cases` (`1 rule fails …`): the headlines in one phrase.
pub fn overview(headlines: &[Headline]) -> String {
    format!(
        "{} {} {}",
        plural(headlines.len(), "rule"),
        if headlines.len() == 1 {
            "fails"
        } else {
            "fail"
        },
        plural(headlines.iter().map(|h| h.cases).sum(), "test case")
    )
}

/// `n` and the noun, plural unless `n` is 1.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Groups `entries` by rule: failures before faults, then the rule failing at
/// the most authoritative level first (a published-level failure leads), then
/// the rule failing the most test cases, then the rule id.
pub fn group(entries: &[Entry<'_>]) -> Vec<Headline> {
    let mut groups: Vec<(&str, bool, Vec<&Entry<'_>>)> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for entry in entries {
        let at = *index.entry((entry.key, entry.fault)).or_insert_with(|| {
            groups.push((entry.key, entry.fault, Vec::new()));
            groups.len() - 1
        });
        groups[at].2.push(entry);
    }
    let mut headlines: Vec<Headline> = groups
        .into_iter()
        .map(|(key, fault, cases)| {
            let by_level = Level::ALL
                .iter()
                .map(|l| (*l, cases.iter().filter(|c| c.level == Some(*l)).count()))
                .filter(|(_, n)| *n > 0)
                .collect();
            let example = cases.iter().min_by_key(|c| c.clarity()).map_or(0, |c| c.at);
            Headline {
                key: key.to_owned(),
                fault,
                cases: cases.len(),
                by_level,
                example,
            }
        })
        .collect();
    headlines.sort_by(|a, b| {
        (
            a.fault,
            a.level().is_none(),
            a.level(),
            std::cmp::Reverse(a.cases),
            &a.key,
        )
            .cmp(&(
                b.fault,
                b.level().is_none(),
                b.level(),
                std::cmp::Reverse(b.cases),
                &b.key,
            ))
    });
    headlines
}

/// The headlines that get an annotation of their own, and the ones folded
/// into the last annotation (`None` when all fit in [`MAX_ANNOTATIONS`]).
pub fn annotated(headlines: &[Headline]) -> (&[Headline], Option<&[Headline]>) {
    if headlines.len() <= MAX_ANNOTATIONS {
        (headlines, None)
    } else {
        let (own, rest) = headlines.split_at(MAX_ANNOTATIONS - 1);
        (own, Some(rest))
    }
}

/// `N more rules: RULE (3), RULE (2), …`: the headlines beyond the
/// annotations' bound, in one line.
pub fn folded(rest: &[Headline]) -> String {
    let cases: usize = rest.iter().map(|h| h.cases).sum();
    let list: Vec<String> = rest
        .iter()
        .map(|h| format!("{} ({})", h.key, h.cases))
        .collect();
    format!(
        "{}, failing {}: {}",
        more_rules(rest.len()),
        plural(cases, "test case"),
        list.join(", ")
    )
}

/// `1 more rule`, `3 more rules`.
pub fn more_rules(n: usize) -> String {
    format!("{n} more rule{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at: usize, key: &'static str, level: Level) -> Entry<'static> {
        Entry {
            at,
            key,
            fault: false,
            level: Some(level),
            fuzz: false,
            indirect: true,
            steps: 3,
        }
    }

    #[test]
    fn one_rule_is_one_headline_with_its_count_and_clearest_example() {
        let mut entries: Vec<Entry<'_>> = (0..5)
            .map(|at| entry(at, "RID1.gracePeriodEndsAt", Level::Platform))
            .collect();
        entries[1].level = Some(Level::Published);
        // The step's own check, in a short scenario: the clearest.
        entries[3].indirect = false;
        // Also direct, but longer.
        entries[2].indirect = false;
        entries[2].steps = 7;
        // Direct and short, but a fuzz sequence.
        entries[4].indirect = false;
        entries[4].fuzz = true;
        entries[4].steps = 1;
        let headlines = group(&entries);
        assert_eq!(headlines.len(), 1);
        let h = &headlines[0];
        assert_eq!((h.cases, h.example), (5, 3));
        assert_eq!(
            h.title(),
            "RID1.gracePeriodEndsAt fails 5 test cases (published 1, platform 4)"
        );
    }

    #[test]
    fn the_rule_with_a_published_failure_comes_first_then_the_larger() {
        let entries = vec![
            entry(0, "RID5.order", Level::Platform),
            entry(1, "RID5.order", Level::Platform),
            entry(2, "RID5.order", Level::Platform),
            entry(3, "DTO.timestamp-utc", Level::DocumentedElsewhere),
            entry(4, "RID2.status", Level::Published),
            entry(5, "RID1.code", Level::Platform),
            Entry {
                fault: true,
                ..entry(6, "CRASH", Level::Published)
            },
        ];
        let keys: Vec<String> = group(&entries).into_iter().map(|h| h.key).collect();
        assert_eq!(
            keys,
            [
                "RID2.status",
                "DTO.timestamp-utc",
                "RID5.order",
                "RID1.code",
                "CRASH"
            ]
        );
    }

    #[test]
    fn annotations_stay_bounded_and_name_the_rest() {
        let entries: Vec<Entry<'_>> = (0..12)
            .map(|at| Entry {
                key: Box::leak(format!("R.{at:02}").into_boxed_str()),
                ..entry(at, "", Level::Platform)
            })
            .collect();
        let headlines = group(&entries);
        let (own, rest) = annotated(&headlines);
        assert_eq!(own.len() + 1, MAX_ANNOTATIONS);
        let rest = rest.unwrap();
        assert_eq!(
            folded(rest),
            "3 more rules, failing 3 test cases: R.09 (1), R.10 (1), R.11 (1)"
        );
        let (all, none) = annotated(&headlines[..MAX_ANNOTATIONS]);
        assert_eq!((all.len(), none), (MAX_ANNOTATIONS, None));
    }
}
