//! The reference tables of PROTOCOL.md, generated from the domain module so
//! the document cannot drift from the code: every error code with its exact
//! message, every DTO field rule, the statuses, the grace period, the id
//! format and the event. `cargo xtask gen` writes [`tables`] between
//! [`BEGIN_MARKER`] and [`END_MARKER`]; `cargo xtask check` fails when the
//! document differs.

use crate::domain::{
    DEFAULT_GRACE_PERIOD_DAYS, ErrorKind, Field, MAX_GRACE_PERIOD_DAYS, PROCESS_ID_PREFIX,
    PROCESS_ID_SUFFIX_LEN, STATUS_CHANGED_EVENT, Status, TIMESTAMP_RULE,
};
use crate::oracle::{GRACE_PERIOD_TOLERANCE_MS, UNSET_FIELD_ABSENT};
use std::fmt::Write as _;

/// The line before the generated tables.
pub const BEGIN_MARKER: &str =
    "<!-- BEGIN GENERATED: domain tables (from src/domain by `cargo xtask gen`; do not edit) -->";
/// The line after the generated tables.
pub const END_MARKER: &str = "<!-- END GENERATED -->";

/// When the runtime answers with `kind`.
fn raised_when(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::ActiveProcessAlreadyExists => {
            "`initiate` while the Identity has an `Active` process"
        }
        ErrorKind::NoActiveProcess => {
            "`cancel` or `getActive` while the Identity has no `Active` process"
        }
        ErrorKind::GracePeriodExpired => {
            "`cancel` after `gracePeriodEndsAt` (see the grace period below)"
        }
        ErrorKind::RecordNotFound => {
            "`get` with a well-formed id that names no process of this Identity (another Identity's included)"
        }
        ErrorKind::InvalidPropertyValue => "`get` with an id that is not well-formed",
    }
}

/// How the suite compares the message of `kind`.
fn message_rule(kind: ErrorKind) -> String {
    match kind.documented_message() {
        None => "any non-empty message (the domain fixes none)".to_owned(),
        Some(message) if kind.is_platform() => format!(
            "must **contain** \"{message}\" (a platform error may arrive wrapped with status, request, time and trace id)"
        ),
        Some(message) => format!("exactly \"{message}\""),
    }
}

/// What `field` holds, when it is set, and what `cancel` does to it.
fn field_rule(field: Field) -> (String, &'static str, &'static str) {
    let holds = match field {
        Field::Id => format!(
            "`{PROCESS_ID_PREFIX}` followed by exactly {PROCESS_ID_SUFFIX_LEN} ASCII letters or digits (`^{PROCESS_ID_PREFIX}[A-Za-z0-9]{{{PROCESS_ID_SUFFIX_LEN}}}$`), unique; `get` matches it exactly (case-sensitive)"
        ),
        Field::Status => {
            let names: Vec<String> = Status::ALL.iter().map(|s| format!("`{s}`")).collect();
            format!("one of {}", names.join(", "))
        }
        Field::CreatedByDevice => "the Device of the Identity that called `initiate`".to_owned(),
        Field::CancelledByDevice => "the Device of the Identity that called `cancel`".to_owned(),
        Field::CreatedAt => "the time of the `initiate` call; a timestamp".to_owned(),
        Field::GracePeriodEndsAt => format!(
            "`createdAt` + N days (N = `lengthOfGracePeriodInDays`, default {DEFAULT_GRACE_PERIOD_DAYS}), at most {GRACE_PERIOD_TOLERANCE_MS} ms later; a timestamp"
        ),
        Field::CancelledAt => "the time of the `cancel` call; a timestamp".to_owned(),
    };
    let set = match field {
        Field::Id | Field::Status | Field::CreatedAt | Field::CreatedByDevice => "always",
        Field::GracePeriodEndsAt => "while `Active` (set by `initiate`)",
        Field::CancelledAt | Field::CancelledByDevice => "once `Cancelled`",
    };
    let on_cancel = match field {
        Field::Id | Field::CreatedAt | Field::CreatedByDevice => "unchanged",
        Field::Status => "becomes `Cancelled`",
        Field::GracePeriodEndsAt => "**removed** (absent)",
        Field::CancelledAt => "set to the time of the call",
        Field::CancelledByDevice => "set to the calling Device",
    };
    (holds, set, on_cancel)
}

/// What `status` means.
fn status_meaning(status: Status) -> &'static str {
    match status {
        Status::Active => {
            "initiated and not cancelled; the grace period runs. At most one per Identity, also under concurrent `initiate`s"
        }
        Status::Cancelled => "cancelled; final. The Identity may initiate a new process afterwards",
    }
}

/// The generated tables, as Markdown (without the markers).
pub fn tables() -> String {
    let mut out = String::new();
    out.push_str("### Errors\n\nA refused call is answered with `error`: the code exactly, and the message as the last column says.\n\n| code | when | message |\n|---|---|---|\n");
    for kind in ErrorKind::ALL {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            kind.code(),
            raised_when(kind),
            message_rule(kind)
        );
    }
    let _ = write!(
        out,
        "\n### The process (DTO)\n\nA field that is not set is **absent**: a `null` there fails `{UNSET_FIELD_ABSENT}`, \
         and a field that is always set but missing, `null` or not a string fails that field's rule \
         (conformance failures, not protocol faults). Every timestamp is "
    );
    let _ = writeln!(
        out,
        "{TIMESTAMP_RULE}; timestamps are compared as instants, at full precision.\n"
    );
    out.push_str("| field | holds | set | on `cancel` |\n|---|---|---|---|\n");
    for field in Field::ALL {
        let (holds, set, on_cancel) = field_rule(field);
        let _ = writeln!(
            out,
            "| `{}` | {holds} | {set} | {on_cancel} |",
            field.name()
        );
    }
    out.push_str("\n| status | meaning |\n|---|---|\n");
    for status in Status::ALL {
        let _ = writeln!(out, "| `{status}` | {} |", status_meaning(status));
    }
    let _ = write!(
        out,
        "\n### The grace period\n\n\
         - `initiate` without `lengthOfGracePeriodInDays` means {DEFAULT_GRACE_PERIOD_DAYS} days; 0 is allowed. \
         The suite sends whole numbers from 0 to {MAX_GRACE_PERIOD_DAYS} (100 years), and every one of them must work.\n\
         - `gracePeriodEndsAt - createdAt` is N days exactly, or at most {GRACE_PERIOD_TOLERANCE_MS} ms more.\n\
         - `cancel` is allowed while now <= `gracePeriodEndsAt` (exactly at `gracePeriodEndsAt` it still succeeds) \
         and refused with `{}` from 1 ms later.\n\
         - Timestamps lie within the real time the call took (or at the exact instant of a stopped clock, capability `clock`).\n",
        ErrorKind::GracePeriodExpired.code()
    );
    let _ = write!(
        out,
        "\n### Events (capability `events`)\n\n\
         - Name: `{STATUS_CHANGED_EVENT}`; `data`: the process DTO, the same as the call's answer.\n\
         - Exactly one per status change: one for each successful `initiate` (data `Active`) and one for each \
         successful `cancel` (data `Cancelled`).\n\
         - None for a refused call (an `error` reply) and none for reads.\n\
         - `takeEvents` returns the Identity's own events only, in the order their status changes took effect; \
         reading one Identity's events leaves every other Identity's untouched.\n\
         - `data` equals the answer field by field, timestamps compared as instants.\n"
    );
    out.push_str(
        "\n### Rule ids\n\nEvery failure is filed under one of these ids (`enmeshed-conformance rules` \
         prints them). A race rule is checked only on concurrent calls, so whether it fails may vary \
         from run to run; only its waivers and entries may say `race = true`.\n\n",
    );
    out.push_str(&crate::rules::markdown_table());
    out
}

/// `document` with the text between the markers replaced by [`tables`].
/// Each marker must appear exactly once, on its own line, in order.
pub fn splice(document: &str) -> Result<String, String> {
    let find = |marker: &str| -> Result<usize, String> {
        let mut hits = document.match_indices(marker).map(|(i, _)| i);
        match (hits.next(), hits.next()) {
            (Some(i), None) => Ok(i),
            (None, _) => Err(format!("the marker `{marker}` is missing")),
            (Some(_), Some(_)) => Err(format!("the marker `{marker}` appears more than once")),
        }
    };
    let begin = find(BEGIN_MARKER)?;
    let end = find(END_MARKER)?;
    if end < begin {
        return Err(format!("`{END_MARKER}` comes before `{BEGIN_MARKER}`"));
    }
    let after_begin = begin + BEGIN_MARKER.len();
    Ok(format!(
        "{}\n\n{}\n{}",
        &document[..after_begin],
        tables(),
        &document[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_name_every_code_message_field_and_status() {
        let text = tables();
        for kind in ErrorKind::ALL {
            assert!(text.contains(kind.code()), "{}", kind.code());
            if let Some(message) = kind.documented_message() {
                assert!(text.contains(message), "{message}");
            }
        }
        assert!(text.contains("must **contain**"));
        for field in Field::ALL {
            assert!(text.contains(&format!("| `{}` |", field.name())));
        }
        for status in Status::ALL {
            assert!(text.contains(&format!("| `{status}` |")));
        }
        assert!(text.contains(TIMESTAMP_RULE));
        assert!(text.contains(STATUS_CHANGED_EVENT));
        assert!(text.contains(&format!("at most {GRACE_PERIOD_TOLERANCE_MS} ms")));
        assert!(text.contains(&format!("means {DEFAULT_GRACE_PERIOD_DAYS} days")));
    }

    #[test]
    fn splice_replaces_only_between_the_markers() {
        let document = format!("# Title\n\n{BEGIN_MARKER}\nSTALE LINE\n{END_MARKER}\n\ntail\n");
        let spliced = splice(&document).unwrap();
        assert!(spliced.starts_with(&format!("# Title\n\n{BEGIN_MARKER}\n\n### Errors")));
        assert!(spliced.ends_with(&format!("\n{END_MARKER}\n\ntail\n")));
        assert!(!spliced.contains("STALE LINE"));
        assert_eq!(splice(&spliced).unwrap(), spliced, "idempotent");
        assert!(splice("no markers").unwrap_err().contains("missing"));
        let twice = format!("{document}{BEGIN_MARKER}\n");
        assert!(splice(&twice).unwrap_err().contains("more than once"));
        let reversed = format!("{END_MARKER}\n{BEGIN_MARKER}\n");
        assert!(splice(&reversed).unwrap_err().contains("before"));
    }
}
