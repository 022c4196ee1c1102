//! A failing operation sequence as numbered steps and as a Gherkin scenario.

use super::model::{DAY_MS, Expected, ModelState};
use super::ops::{MALFORMED_IDS, Op, clock_advance_ms, resolve_known, step};
use crate::steps::Function;
use std::fmt::Write as _;

fn describe(state: &ModelState, op: &Op) -> String {
    let who = format!("Identity {}", op.identity() + 1);
    match op {
        Op::Initiate { days: None, .. } => format!("{who}: {}()", Function::Initiate.name()),
        Op::Initiate { days: Some(d), .. } => {
            format!(
                "{who}: {}(lengthOfGracePeriodInDays: {d})",
                Function::Initiate.name()
            )
        }
        Op::Cancel { .. } => format!("{who}: {}()", Function::Cancel.name()),
        Op::GetKnown { which, .. } => match resolve_known(state, which) {
            Some((owner, index)) => format!(
                "{who}: {}(id of process {} of Identity {})",
                Function::Get.name(),
                index + 1,
                owner + 1
            ),
            None => format!("{who}: {}(no process exists)", Function::Get.name()),
        },
        Op::GetUnknown { .. } => {
            format!("{who}: {}(a well-formed unknown id)", Function::Get.name())
        }
        Op::GetMalformed { which, .. } => {
            format!(
                "{who}: {}({:?})",
                Function::Get.name(),
                MALFORMED_IDS[which.index(MALFORMED_IDS.len())]
            )
        }
        Op::GetActive { .. } => format!("{who}: {}()", Function::GetActive.name()),
        Op::GetAll { .. } => format!("{who}: {}()", Function::GetAll.name()),
        Op::AdvanceClock { identity, step } => {
            format!(
                "{who}: the clock advances by {} ms ({step:?})",
                clock_advance_ms(state, *identity, *step)
            )
        }
    }
}

fn expectation(expected: &Expected) -> String {
    match expected {
        Expected::Process(i) => format!("returns process {}", i + 1),
        Expected::Error(kind) => format!("fails with {}", kind.code()),
        Expected::All => "returns all processes in creation order".to_owned(),
        Expected::Nothing => String::new(),
    }
}

/// The sequence as numbered steps, each with what the model expects.
pub fn numbered_steps(initial: &ModelState, ops: &[Op]) -> String {
    let mut state = initial.clone();
    let mut out = format!(
        "{} {}, clock {}\n",
        initial.identities.len(),
        if initial.identities.len() == 1 {
            "Identity"
        } else {
            "Identities"
        },
        if initial.clock {
            "stopped and controlled"
        } else {
            "real"
        }
    );
    for (index, op) in ops.iter().enumerate() {
        let text = describe(&state, op);
        let expected = expectation(&step(&mut state, op));
        let _ = writeln!(
            out,
            "{:>3}. {text}{}",
            index + 1,
            if expected.is_empty() {
                String::new()
            } else {
                format!(" -> {expected}")
            }
        );
    }
    out
}

/// A scenario with the suite's step vocabulary that replays the sequence on
/// one Identity (operations on other Identities become comments).
pub fn gherkin_scenario(initial: &ModelState, ops: &[Op]) -> String {
    let mut state = initial.clone();
    let mut out = String::from("  Scenario: Fuzzer reproduction\n");
    if initial.clock {
        out.push_str("    Given the Identity's clock is stopped\n");
    }
    for (index, op) in ops.iter().enumerate() {
        let number = index + 1;
        if op.identity() != 0 {
            let _ = writeln!(out, "    # step {number}: {}", describe(&state, op));
            step(&mut state, op);
            continue;
        }
        let when = match op {
            Op::Initiate { days: None, .. } => {
                format!("When the Identity calls {}", Function::Initiate.name())
            }
            Op::Initiate { days: Some(d), .. } => {
                format!(
                    "When the Identity calls {} with `lengthOfGracePeriodInDays` {d}",
                    Function::Initiate.name()
                )
            }
            Op::Cancel { .. } => format!("When the Identity calls {}", Function::Cancel.name()),
            Op::GetKnown { .. } => {
                let _ = writeln!(out, "    # step {number}: {}", describe(&state, op));
                step(&mut state, op);
                continue;
            }
            Op::GetUnknown { .. } => format!(
                "Given the Identity has no IdentityDeletionProcess with the given `id`\n    When the Identity calls {} with `id`",
                Function::Get.name()
            ),
            Op::GetMalformed { .. } => format!(
                "Given the given `id` is not a valid IdentityDeletionProcess id\n    When the Identity calls {} with `id`",
                Function::Get.name()
            ),
            Op::GetActive { .. } => {
                format!("When the Identity calls {}", Function::GetActive.name())
            }
            Op::GetAll { .. } => format!("When the Identity calls {}", Function::GetAll.name()),
            Op::AdvanceClock { identity, step: s } => {
                let ms = clock_advance_ms(&state, *identity, *s);
                format!(
                    "When the Identity's clock advances by {} days and {} milliseconds",
                    ms / DAY_MS,
                    ms % DAY_MS
                )
            }
        };
        let then = match step(&mut state, op) {
            Expected::Error(kind) => format!("Then the call fails with `{}`", kind.code()),
            Expected::Process(_) | Expected::All => "Then the call succeeds".to_owned(),
            Expected::Nothing => String::new(),
        };
        let _ = writeln!(out, "    {when}");
        if !then.is_empty() {
            let _ = writeln!(out, "    {then}");
        }
    }
    out
}
