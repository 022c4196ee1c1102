//! The Cucumber JSON report, written from the recorded scenarios after the
//! run (the format of cucumber-jvm and cucumber-js that HTML reporters read):
//! one feature per feature file, with an `id`, its tags and the run's
//! metadata (`enmeshedConformance`); one element per scenario with every
//! step and its result. A failed step's `error_message` is the typed verdict
//! (`FAILED [RULE] …` / `ERRORED KIND: …`), never a source location of the
//! suite; a capability skip keeps its steps, all `skipped`, with the reason
//! as the first line of the scenario's description.
//!
//! Cucumber JSON has no "expected failure" status. Under an expectations
//! file, a failure the gate expects (listed or waived) is written with its
//! failed step as `skipped` (so the report reads as the gate judged the
//! run), and that step's `error_message` starts with `expected failure:
//! <the entry's reason>` (or `waived, expected: RULE: <reason>`), followed by
//! the typed verdict; the scenario carries the tag `@expected-failure`.

use super::metadata::RunMetadata;
use super::tally::{ScenarioRecord, StepStatus};
use crate::expectations::Judged;
use serde_json::{Value, json};

/// A Cucumber id: lower case, runs of other characters than letters and
/// digits as one `-`.
pub fn id(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() {
        "unnamed".to_owned()
    } else {
        trimmed.to_owned()
    }
}

fn tags(tags: &[String], line: usize) -> Value {
    Value::Array(
        tags.iter()
            .map(|t| json!({ "name": format!("@{t}"), "line": line }))
            .collect(),
    )
}

fn nanos(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// How an expected failure reads: the reason first, then the verdict.
pub fn expected_note(judged: &Judged) -> Option<String> {
    match judged {
        Judged::Listed { reason, .. } => Some(format!("expected failure: {reason}")),
        Judged::Waived { rule, reason, .. } => Some(format!("waived, expected: {rule}: {reason}")),
        Judged::Problem(_) => None,
    }
}

fn element(
    record: &ScenarioRecord,
    judged: Option<&Judged>,
    feature_id: &str,
    file: &str,
) -> Value {
    let expected = judged.and_then(expected_note);
    let steps: Vec<Value> = record
        .steps
        .iter()
        .map(|step| {
            let status = match step.status {
                StepStatus::Passed => "passed",
                StepStatus::Failed if expected.is_some() => "skipped",
                StepStatus::Failed => "failed",
                StepStatus::Undefined => "undefined",
                StepStatus::Skipped => "skipped",
            };
            let mut result = json!({ "status": status });
            if let Some(d) = step.duration {
                result["duration"] = json!(nanos(d));
            }
            match (&step.error, &expected) {
                (Some(error), Some(note)) if step.status == StepStatus::Failed => {
                    result["error_message"] = json!(format!("{note}\n{error}"));
                }
                (Some(error), _) => result["error_message"] = json!(error),
                (None, _) => {}
            }
            let mut value = json!({
                "keyword": step.keyword,
                "name": step.text,
                "line": step.line,
                "result": result,
            });
            if step.status != StepStatus::Undefined {
                value["match"] = json!({ "location": format!("{file}:{}", step.line) });
            }
            value
        })
        .collect();
    let mut value = json!({
        "id": format!("{feature_id};{}", id(&record.result.scenario)),
        "keyword": record.keyword,
        "type": "scenario",
        "name": record.result.scenario,
        "description": record.description.clone().unwrap_or_default(),
        "line": record.line,
        "tags": tags(
            &record
                .rule
                .iter()
                .flat_map(|r| r.tags.iter())
                .chain(&record.tags)
                .cloned()
                .chain(expected.as_ref().map(|_| "expected-failure".to_owned()))
                .collect::<Vec<_>>(),
            record.line.saturating_sub(1).max(1),
        ),
        "steps": steps,
    });
    if let Some(error) = &record.hook_error {
        value["before"] = json!([{
            "match": { "location": "before the scenario: a fresh Identity" },
            "result": { "status": "failed", "error_message": error },
        }]);
    }
    value
}

/// The report: one feature per feature file, in file order; `judged` is how
/// the gate judged each record (aligned with `records`), under an expectations file.
pub fn render(
    records: &[ScenarioRecord],
    meta: &RunMetadata,
    judged: Option<&[Option<Judged>]>,
) -> Value {
    let mut order: Vec<(&ScenarioRecord, Option<&Judged>)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r, judged.and_then(|j| j.get(i)).and_then(Option::as_ref)))
        .collect();
    order.sort_by_key(|(r, _)| (r.file(), r.line));
    let meta = serde_json::to_value(meta).unwrap_or(Value::Null);
    let mut features: Vec<Value> = Vec::new();
    let mut current: Option<String> = None;
    for (record, judged) in order {
        let file = record.file();
        if current.as_deref() != Some(&file) {
            let feature = &record.feature;
            features.push(json!({
                "uri": file,
                "id": id(&feature.name),
                "keyword": feature.keyword,
                "name": feature.name,
                "description": feature.description.clone().unwrap_or_default(),
                "line": feature.line,
                "tags": tags(&feature.tags, feature.line.saturating_sub(1).max(1)),
                "elements": [],
                "enmeshedConformance": meta,
            }));
            current = Some(file.clone());
        }
        let feature = features.last_mut().expect("a feature was pushed");
        let feature_id = feature["id"].as_str().unwrap_or_default().to_owned();
        if let Some(elements) = feature["elements"].as_array_mut() {
            elements.push(element(record, judged, &feature_id, &file));
        }
    }
    Value::Array(features)
}

#[cfg(test)]
mod tests {
    use super::id;

    #[test]
    fn ids_are_lower_case_words_joined_by_dashes() {
        assert_eq!(
            id("RID1: Initiate an IdentityDeletionProcess"),
            "rid1-initiate-an-identitydeletionprocess"
        );
        assert_eq!(id("  "), "unnamed");
    }
}
