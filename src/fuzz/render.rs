//! A failing operation sequence as numbered steps and as a Gherkin scenario,
//! written with the phrase vocabulary: the scenario replays the sequence up
//! to the step that failed and asserts every answer exactly as the suite's
//! model expects it, so that it fails against the faulty implementation and
//! passes against a conforming one.

use super::ops::{
    MALFORMED_IDS, Op, clock_advance_ms, clock_jump_target, device_number, resolve_known, step,
};
use crate::domain::format_timestamp;
use crate::domain::{DEFAULT_GRACE_PERIOD_DAYS, Function, Status};
use crate::oracle::model::{DAY_MS, Expected, ModelState};
use crate::vocabulary::{IdMutation, Param, Phrase};
use std::fmt::Write as _;

fn describe(state: &ModelState, op: &Op) -> String {
    let text = describe_call(state, op);
    match op {
        Op::Initiate {
            identity, device, ..
        }
        | Op::Cancel { identity, device } => {
            match device_number(state, *identity, device.as_ref()) {
                0 => text,
                k => format!("{text} from Device {}", k + 1),
            }
        }
        _ => text,
    }
}

fn describe_call(state: &ModelState, op: &Op) -> String {
    let who = format!("Identity {}", op.identity() + 1);
    match op {
        Op::NewDevice { .. } => format!("{who}: gets another Device"),
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
            "{who}: the clock advances by {} ({step:?})",
            crate::domain::format_duration(chrono::TimeDelta::milliseconds(clock_advance_ms(
                state, *identity, *step
            )))
        ),
        Op::SetClockAt {
            identity,
            which,
            offset_ms,
        } => match clock_jump_target(state, *identity, which, *offset_ms) {
            Some(target) => format!(
                "{who}: the clock is set to {} (with `setClock`)",
                format_timestamp(target)
            ),
            None => format!("{who}: the clock stays (no later instant in the time table)"),
        },
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

/// The sequence as numbered steps, each with what the model expects; the
/// step where the implementation diverged (`failed`, 1-based; 0: while
/// setting up the Identities) is marked.
pub fn numbered_steps(initial: &ModelState, ops: &[Op], failed: Option<usize>) -> String {
    let mut state = initial.clone();
    let mut out = format!(
        "{} {}, clock {}{}\n",
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
        },
        if failed == Some(0) {
            "   <- the implementation failed here, while setting up the Identities"
        } else {
            ""
        }
    );
    for (index, op) in ops.iter().enumerate() {
        let text = describe(&state, op);
        let expected = expectation(&step(&mut state, op));
        let _ = writeln!(
            out,
            "{:>3}. {text}{}{}",
            index + 1,
            if expected.is_empty() {
                String::new()
            } else {
                format!(" -> {expected}")
            },
            if failed == Some(index + 1) {
                "   <- the implementation failed here"
            } else {
                ""
            }
        );
    }
    out
}

/// What the rendering knows of the scenario's world: which model process the
/// id-less `getIdentityDeletionProcess with `id`` step gets, and which fuzz
/// Identity became which "another Identity".
#[derive(Debug, Default)]
struct Scene {
    /// The process the scenario chose as the id to get (owner, index), if any.
    subject: Option<(usize, usize)>,
    /// Fuzz Identities (other than the first) that a Given created.
    others: Vec<usize>,
    /// Whether the run's clocks started at `calendar::START` (capability `setClock`).
    set_clock: bool,
}

/// The steps of an operation: (keyword, phrase) lines, or `None` when the
/// vocabulary has no phrase for it (it then becomes a comment).
fn lines(
    state: &ModelState,
    scene: &mut Scene,
    main: usize,
    op: &Op,
) -> Option<Vec<(&'static str, Phrase)>> {
    let i = op.identity();
    if i != main {
        // Another Identity: only its first operation, a plain initiate, has a
        // phrase ("another Identity has initiated …", whose process becomes
        // the id to get).
        return match op {
            Op::Initiate {
                days: None, device, ..
            } if !scene.others.contains(&i)
                && state.identities[i].processes.is_empty()
                && device_number(state, i, device.as_ref()) == 0 =>
            {
                scene.others.push(i);
                scene.subject = Some((i, 0));
                Some(vec![("Given", Phrase::OtherIdentityHasInitiated)])
            }
            _ => None,
        };
    }
    let mut out = Vec::new();
    match op {
        Op::Initiate { days, device, .. } => match (device_number(state, i, device.as_ref()), days)
        {
            (0, _) => out.push((
                "When",
                Phrase::Calls(
                    Function::Initiate,
                    days.map(|d| vec![Param::GracePeriodDays(Some(d))])
                        .unwrap_or_default(),
                ),
            )),
            // The phrase of a call from another Device takes no grace period.
            (k, None) => out.push(("When", Phrase::CallsFrom(Function::Initiate, k + 1))),
            (_, Some(_)) => return None,
        },
        Op::Cancel { device, .. } => match device_number(state, i, device.as_ref()) {
            0 => out.push(("When", Phrase::Calls(Function::Cancel, vec![]))),
            k => out.push(("When", Phrase::CallsFrom(Function::Cancel, k + 1))),
        },
        Op::NewDevice { .. } => out.push((
            "Given",
            match state.identities[main].devices {
                0 => Phrase::HasSecondDevice,
                added => Phrase::HasDevices(added + 2),
            },
        )),
        Op::GetKnown { which, .. } => {
            let target = resolve_known(state, which)?;
            let last_own = state.identities[main]
                .processes
                .len()
                .checked_sub(1)
                .map(|index| (main, index));
            // The id-less get takes the chosen id, else the newest own process.
            if scene.subject.or(last_own) != Some(target) {
                return None;
            }
            out.push(("When", Phrase::Calls(Function::Get, vec![Param::Id(None)])));
        }
        Op::GetUnknown { seed, .. } => out.push((
            "When",
            Phrase::Calls(
                Function::Get,
                vec![Param::Id(Some(
                    crate::domain::ProcessId::from_seed(*seed)
                        .as_str()
                        .to_owned(),
                ))],
            ),
        )),
        Op::GetMalformed { which, .. } => out.push((
            "When",
            Phrase::Calls(
                Function::Get,
                vec![Param::Id(Some(
                    MALFORMED_IDS[which.index(MALFORMED_IDS.len())].to_owned(),
                ))],
            ),
        )),
        Op::GetActive { .. } => out.push(("When", Phrase::Calls(Function::GetActive, vec![]))),
        Op::GetAll { .. } => out.push(("When", Phrase::Calls(Function::GetAll, vec![]))),
        Op::AdvanceClock { identity, step } => {
            let ms = clock_advance_ms(state, *identity, *step);
            let ms = u64::try_from(ms).unwrap_or(0);
            let day = DAY_MS as u64;
            out.push((
                "When",
                Phrase::ClockAdvances {
                    days: ms / day,
                    millis: ms % day,
                },
            ));
        }
        // Only where the run set the clock (capability `setClock`).
        Op::SetClockAt {
            which, offset_ms, ..
        } => {
            if !scene.set_clock {
                return None;
            }
            if let Some(target) = clock_jump_target(state, main, which, *offset_ms) {
                out.push(("When", Phrase::ClockSetTo(format_timestamp(target))));
            }
        }
        Op::GetMutated {
            which, mutation, ..
        } => {
            // The phrase mutates the id of the newest own process.
            let newest = state.identities[main]
                .processes
                .len()
                .checked_sub(1)
                .map(|index| (main, index));
            if resolve_known(state, which) != newest {
                return None;
            }
            out.push((
                "When",
                Phrase::CallsGetMutated(IdMutation::ALL[mutation.index(IdMutation::ALL.len())]),
            ));
        }
        Op::Cycles { count, .. } => out.push(("Given", Phrase::HasCycles(*count))),
    }
    Some(out)
}

/// The Then steps that assert everything the model expects of the answer to
/// `op` on the scenario's Identity: the error's code and message, or the
/// returned process (status, every field as the oracle knows it, the grace
/// period's length), or the whole list (statuses in order, every process,
/// creation order). `before` is the state before the call, `after` after it.
fn assertions(
    before: &ModelState,
    after: &ModelState,
    main: usize,
    op: &Op,
    expected: &Expected,
) -> Vec<Phrase> {
    let mine = &after.identities[main];
    match (op, expected) {
        (_, Expected::Nothing) => vec![],
        (_, Expected::Error(kind)) => vec![Phrase::CallFailsWith(*kind)],
        (_, Expected::All) => {
            let statuses: Vec<Status> = before.identities[main]
                .processes
                .iter()
                .map(|p| p.status)
                .collect();
            if statuses.is_empty() {
                vec![Phrase::ListEmpty]
            } else {
                vec![
                    Phrase::ListStatuses(statuses),
                    Phrase::ReturnsEvery,
                    Phrase::ReturnsInCreationOrder,
                ]
            }
        }
        (Op::Initiate { days, .. }, Expected::Process(_)) => vec![
            Phrase::ReturnedHasStatus(Status::Active),
            Phrase::ReturnsChanged(Status::Active),
            Phrase::GracePeriodLasts(days.unwrap_or(DEFAULT_GRACE_PERIOD_DAYS)),
        ],
        (Op::Cancel { .. }, Expected::Process(_)) => vec![
            Phrase::ReturnedHasStatus(Status::Cancelled),
            Phrase::ReturnsChanged(Status::Cancelled),
        ],
        (Op::GetActive { .. }, Expected::Process(_)) => vec![
            Phrase::ReturnedHasStatus(Status::Active),
            Phrase::ReturnsWithStatus(None),
        ],
        (_, Expected::Process(index)) => vec![
            Phrase::ReturnedHasStatus(
                mine.processes
                    .get(*index)
                    .map_or(Status::Active, |p| p.status),
            ),
            Phrase::ReturnsById,
        ],
    }
}

/// A scenario with the suite's phrase vocabulary that replays the sequence
/// up to the step where the implementation diverged (`failed`, 1-based;
/// all steps when `None`), asserting every answer exactly as the suite's
/// model expects it. The Identity of the failing step plays the scenario's
/// Identity: its operations are steps; the first initiate of another
/// Identity is "another Identity has initiated …"; other operations on other
/// Identities have no phrase yet and become comments (the scenario then says
/// it is incomplete).
///
/// With `listed` (the implementation's failure was the list of that Identity,
/// read by the fuzzer's invariant check after the failing step), that
/// Identity plays the scenario's Identity and the scenario ends with that
/// read and its assertions.
///
/// With `events` (the implementation has the `events` capability, so the
/// fuzzer checked them), every initiate and cancel also asserts its events
/// (cycles of the scenario's Identity are spelled out call by call), and a
/// sequence on Identities the scenario does not create is incomplete: the
/// fuzzer read their events too.
pub fn gherkin_scenario(
    initial: &ModelState,
    ops: &[Op],
    failed: Option<usize>,
    events: bool,
    set_clock: bool,
    listed: Option<usize>,
) -> String {
    let main = listed.unwrap_or_else(|| {
        failed
            .and_then(|f| f.checked_sub(1))
            .and_then(|f| ops.get(f))
            .map_or(0, Op::identity)
    });
    let mut state = initial.clone();
    let mut scene = Scene {
        set_clock,
        ..Scene::default()
    };
    let mut body = String::new();
    let mut incomplete = false;
    if initial.clock && set_clock {
        let start = Phrase::ClockSetTo(format_timestamp(*crate::oracle::calendar::START));
        let _ = writeln!(body, "    Given {start}");
    } else if initial.clock {
        let _ = writeln!(body, "    Given {}", Phrase::ClockStopped);
    }
    let end = failed.map_or(ops.len(), |f| f.min(ops.len()));
    for (index, op) in ops[..end].iter().enumerate() {
        let number = index + 1;
        if failed == Some(number) {
            let _ = writeln!(body, "    # step {number}: the implementation failed here");
        }
        // With events, the cycles of the scenario's Identity are spelled out
        // call by call, so that each call's events are asserted.
        let expanded: Vec<Op> = match op {
            Op::Cycles { identity, count } if events && *identity == main => (0..*count)
                .flat_map(|_| {
                    [
                        Op::Initiate {
                            identity: main,
                            days: None,
                            device: None,
                        },
                        Op::Cancel {
                            identity: main,
                            device: None,
                        },
                    ]
                })
                .collect(),
            _ => vec![op.clone()],
        };
        for op in &expanded {
            let before = state.clone();
            let Some(steps) = lines(&state, &mut scene, main, op) else {
                incomplete = true;
                let _ = writeln!(
                    body,
                    "    # step {number} (no phrase for it yet): {}",
                    describe(&state, op)
                );
                step(&mut state, op);
                continue;
            };
            let expected = step(&mut state, op);
            for (keyword, phrase) in steps {
                let _ = writeln!(body, "    {keyword} {phrase}");
            }
            if op.identity() == main {
                let mut thens = assertions(&before, &state, main, op, &expected);
                if events && matches!(op, Op::Initiate { .. } | Op::Cancel { .. }) {
                    thens.push(match expected {
                        Expected::Process(_) => Phrase::EventCarriesReturned,
                        _ => Phrase::NoEvent,
                    });
                }
                for (n, then) in thens.into_iter().enumerate() {
                    let _ = writeln!(body, "    {} {then}", if n == 0 { "Then" } else { "And" });
                }
            }
        }
    }
    // The list the fuzzer's invariant check read after the failing step.
    if listed.is_some() {
        let op = Op::GetAll { identity: main };
        let _ = writeln!(
            body,
            "    # the fuzzer's check after step {}: the list it read",
            end
        );
        if let Some(steps) = lines(&state, &mut scene, main, &op) {
            let before = state.clone();
            let expected = step(&mut state, &op);
            for (keyword, phrase) in steps {
                let _ = writeln!(body, "    {keyword} {phrase}");
            }
            for (n, then) in assertions(&before, &state, main, &op, &expected)
                .into_iter()
                .enumerate()
            {
                let _ = writeln!(body, "    {} {then}", if n == 0 { "Then" } else { "And" });
            }
        }
    }
    // The fuzzer read the events of every Identity after every step; a
    // scenario has only the Identities its steps create.
    if events && initial.identities.len() > 1 + scene.others.len() {
        incomplete = true;
    }
    let mut out = String::from("  Scenario: Fuzzer reproduction\n");
    if incomplete {
        out.push_str(
            "    # incomplete: steps of other Identities that the vocabulary cannot say are comments\n",
        );
    }
    out.push_str(&body);
    out
}

/// Whether a reproduction has every step of its sequence (no step left as a comment).
pub fn is_complete(gherkin: &str) -> bool {
    !gherkin.contains("# incomplete:")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ErrorKind;
    use crate::vocabulary::{StepKind, parse};

    fn parses(gherkin: &str) {
        for line in gherkin.lines().skip(1).map(str::trim) {
            if line.starts_with('#') {
                continue;
            }
            let (keyword, text) = line.split_once(' ').unwrap();
            let kind = match keyword {
                "Given" => StepKind::Given,
                "When" => StepKind::When,
                _ => StepKind::Then,
            };
            assert!(
                matches!(parse(kind, text), Ok(Some(_))),
                "not a phrase of the vocabulary: {line}"
            );
        }
    }

    #[test]
    fn every_answer_is_asserted_and_the_failing_step_is_marked() {
        let initial = ModelState::new(1, false);
        let ops = vec![
            Op::Initiate {
                identity: 0,
                days: Some(3),
                device: None,
            },
            Op::Initiate {
                identity: 0,
                days: None,
                device: None,
            },
            Op::Cancel {
                identity: 0,
                device: None,
            },
            Op::GetAll { identity: 0 },
            Op::GetActive { identity: 0 },
        ];
        let gherkin = gherkin_scenario(&initial, &ops, Some(4), false, false, None);
        parses(&gherkin);
        assert!(is_complete(&gherkin), "{gherkin}");
        assert!(gherkin.contains("its `gracePeriodEndsAt` is 3 days after its `createdAt`"));
        assert!(
            gherkin.contains(
                &Phrase::CallFailsWith(ErrorKind::ActiveProcessAlreadyExists).to_string()
            ),
            "{gherkin}"
        );
        assert!(gherkin.contains("# step 4: the implementation failed here\n    When the Identity calls getIdentityDeletionProcesses"), "{gherkin}");
        assert!(
            gherkin.contains("the returned list has the statuses \"Cancelled\" in this order"),
            "{gherkin}"
        );
        // Nothing after the failing step.
        assert!(
            !gherkin.contains("getActiveIdentityDeletionProcess"),
            "{gherkin}"
        );
        let steps = numbered_steps(&initial, &ops, Some(4));
        assert!(
            steps
                .lines()
                .nth(4)
                .unwrap()
                .ends_with("<- the implementation failed here"),
            "{steps}"
        );
    }

    /// With `setClock` the scenario starts at `calendar::START` and a jump
    /// is the absolute instant of the table the run set, so the replay sets
    /// the same instants whatever the day; without it a jump has no phrase.
    #[test]
    fn clock_jumps_replay_as_absolute_instants_of_the_table() {
        use crate::oracle::calendar::{START, table};
        let initial = ModelState::new(1, true);
        let index = {
            use proptest::strategy::{Strategy as _, ValueTree as _};
            let mut runner = proptest::test_runner::TestRunner::deterministic();
            proptest::arbitrary::any::<proptest::sample::Index>()
                .new_tree(&mut runner)
                .unwrap()
                .current()
        };
        let ops = vec![
            Op::SetClockAt {
                identity: 0,
                which: index,
                offset_ms: 0,
            },
            Op::Initiate {
                identity: 0,
                days: Some(1),
                device: None,
            },
        ];
        let later = table().iter().filter(|m| m.at > *START).count();
        let target = table()
            .iter()
            .filter(|m| m.at > *START)
            .nth(index.index(later))
            .unwrap()
            .at;
        let gherkin = gherkin_scenario(&initial, &ops, None, false, true, None);
        parses(&gherkin);
        assert!(
            gherkin.contains(&format!(
                "Given the Identity's clock is set to {}\n    When the Identity's clock is set to {}",
                format_timestamp(*START),
                format_timestamp(target)
            )),
            "{gherkin}"
        );
        let mut state = initial.clone();
        step(&mut state, &ops[0]);
        assert_eq!(super::super::ops::clock_instant(&state, 0), target);
        let without = gherkin_scenario(&initial, &ops, None, false, false, None);
        assert!(!is_complete(&without), "{without}");
    }

    #[test]
    fn another_identity_initiating_is_a_given_and_its_id_can_be_got() {
        let initial = ModelState::new(2, false);
        let ops = vec![
            Op::Initiate {
                identity: 1,
                days: None,
                device: None,
            },
            Op::GetKnown {
                identity: 0,
                which: {
                    use proptest::strategy::{Strategy as _, ValueTree as _};
                    let mut runner = proptest::test_runner::TestRunner::deterministic();
                    proptest::arbitrary::any::<proptest::sample::Index>()
                        .new_tree(&mut runner)
                        .unwrap()
                        .current()
                },
            },
            Op::Cancel {
                identity: 1,
                device: None,
            },
        ];
        let gherkin = gherkin_scenario(&initial, &ops, None, false, false, None);
        parses(&gherkin);
        assert!(
            gherkin.contains("Given another Identity has initiated an IdentityDeletionProcess"),
            "{gherkin}"
        );
        assert!(gherkin.contains("calls getIdentityDeletionProcess with `id`\n    Then the call fails with `error.runtime.recordNotFound`"), "{gherkin}");
        assert!(!is_complete(&gherkin), "{gherkin}");
        assert!(
            gherkin.contains(
                "# step 3 (no phrase for it yet): Identity 2: cancelIdentityDeletionProcess()"
            ),
            "{gherkin}"
        );
    }
}
