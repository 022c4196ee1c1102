//! A failing operation sequence as numbered steps and as a Gherkin scenario,
//! written with the phrase vocabulary.

use super::ops::{MALFORMED_IDS, Op, clock_advance_ms, resolve_known, step};
use crate::domain::Function;
use crate::oracle::model::{DAY_MS, Expected, ModelState};
use crate::vocabulary::{IdMutation, Param, Phrase};
use std::fmt::Write as _;

fn describe(state: &ModelState, op: &Op) -> String {
    let who = format!("Identity {}", op.identity() + 1);
    match op {
        Op::Initiate { days: None, .. } => format!("{who}: {}()", Function::Initiate),
        Op::Initiate { days: Some(d), .. } => {
            format!(
                "{who}: {}(lengthOfGracePeriodInDays: {d})",
                Function::Initiate
            )
        }
        Op::Cancel { .. } => format!("{who}: {}()", Function::Cancel),
        Op::GetKnown { which, .. } => match resolve_known(state, which) {
            Some((owner, index)) => format!(
                "{who}: {}(id of process {} of Identity {})",
                Function::Get,
                index + 1,
                owner + 1
            ),
            None => format!("{who}: {}(no process exists)", Function::Get),
        },
        Op::GetUnknown { .. } => format!("{who}: {}(a well-formed unknown id)", Function::Get),
        Op::GetMalformed { which, .. } => format!(
            "{who}: {}({:?})",
            Function::Get,
            MALFORMED_IDS[which.index(MALFORMED_IDS.len())]
        ),
        Op::GetActive { .. } => format!("{who}: {}()", Function::GetActive),
        Op::GetAll { .. } => format!("{who}: {}()", Function::GetAll),
        Op::AdvanceClock { identity, step } => format!(
            "{who}: the clock advances by {} ms ({step:?})",
            clock_advance_ms(state, *identity, *step)
        ),
        Op::SetClockNearDst { offset_ms, .. } => {
            format!("{who}: the clock is set {offset_ms} ms from the next daylight-saving change")
        }
        Op::GetMutated {
            which, mutation, ..
        } => {
            let mutation = IdMutation::ALL[mutation.index(IdMutation::ALL.len())];
            match resolve_known(state, which) {
                Some((owner, index)) => format!(
                    "{who}: {}(id of process {} of Identity {} with {})",
                    Function::Get,
                    index + 1,
                    owner + 1,
                    mutation.words()
                ),
                None => format!("{who}: {}(no process exists)", Function::Get),
            }
        }
        Op::Cycles { count, .. } => format!(
            "{who}: {count} × ({}, {})",
            Function::Initiate,
            Function::Cancel
        ),
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

/// The When phrase (and the Given that chooses an id) of an operation on Identity 1.
fn phrases(state: &ModelState, op: &Op) -> Option<Vec<(&'static str, Phrase)>> {
    Some(match op {
        Op::Initiate { days, .. } => vec![(
            "When",
            Phrase::Calls(
                Function::Initiate,
                days.map(|d| vec![Param::GracePeriodDays(Some(d))])
                    .unwrap_or_default(),
            ),
        )],
        Op::Cancel { .. } => vec![("When", Phrase::Calls(Function::Cancel, vec![]))],
        Op::GetKnown { .. } | Op::SetClockNearDst { .. } => return None,
        Op::GetMutated {
            which, mutation, ..
        } => match resolve_known(state, which) {
            Some((0, index)) if index + 1 == state.identities[0].processes.len() => vec![(
                "When",
                Phrase::CallsGetMutated(IdMutation::ALL[mutation.index(IdMutation::ALL.len())]),
            )],
            _ => return None,
        },
        Op::Cycles { count, .. } => vec![("Given", Phrase::HasCycles(*count))],
        Op::GetUnknown { .. } => vec![
            ("Given", Phrase::UnknownId),
            ("When", Phrase::Calls(Function::Get, vec![Param::Id(None)])),
        ],
        Op::GetMalformed { which, .. } => vec![(
            "When",
            Phrase::Calls(
                Function::Get,
                vec![Param::Id(Some(
                    MALFORMED_IDS[which.index(MALFORMED_IDS.len())].to_owned(),
                ))],
            ),
        )],
        Op::GetActive { .. } => vec![("When", Phrase::Calls(Function::GetActive, vec![]))],
        Op::GetAll { .. } => vec![("When", Phrase::Calls(Function::GetAll, vec![]))],
        Op::AdvanceClock { identity, step } => {
            let ms = clock_advance_ms(state, *identity, *step);
            let ms = u64::try_from(ms).unwrap_or(0);
            let day = DAY_MS as u64;
            vec![(
                "When",
                Phrase::ClockAdvances {
                    days: ms / day,
                    millis: ms % day,
                },
            )]
        }
    })
}

/// A scenario with the suite's phrase vocabulary that replays the sequence on
/// one Identity (operations on other Identities become comments).
pub fn gherkin_scenario(initial: &ModelState, ops: &[Op]) -> String {
    let mut state = initial.clone();
    let mut out = String::from("  Scenario: Fuzzer reproduction\n");
    if initial.clock {
        let _ = writeln!(out, "    Given {}", Phrase::ClockStopped);
    }
    for (index, op) in ops.iter().enumerate() {
        let number = index + 1;
        let Some(lines) = phrases(&state, op).filter(|_| op.identity() == 0) else {
            let _ = writeln!(out, "    # step {number}: {}", describe(&state, op));
            step(&mut state, op);
            continue;
        };
        for (keyword, phrase) in lines {
            let _ = writeln!(out, "    {keyword} {phrase}");
        }
        let then = match step(&mut state, op) {
            Expected::Error(kind) => Some(Phrase::CallFailsWith(kind)),
            Expected::Process(_) | Expected::All => Some(Phrase::CallSucceeds),
            Expected::Nothing => None,
        };
        if let Some(then) = then {
            let _ = writeln!(out, "    Then {then}");
        }
    }
    out
}
