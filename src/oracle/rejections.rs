//! Every rule of the oracle refuses a wrong answer, under its rule id.
//!
//! For each rule id of the catalogue ([`crate::rules`]) that the oracle
//! judges, one row or more: a scenario, the conforming answer it must accept
//! and a wrong answer next to it that it must refuse under that id (as
//! `tests/it/step_rejections.rs` does for the steps). The right answer keeps
//! a row from passing vacuously; the wrong one differs from it in one thing.
//! A rule added to the catalogue needs a row here, or a place in
//! [`JUDGED_ELSEWHERE`] with the module that judges it.

use super::model::DAY_MS;
use super::*;
use crate::adapter::{AdapterError, AdapterFault};
use crate::domain::format_timestamp;
use crate::oracle::serial::{BurstOutcome, explain};

const ID: &str = "IDPaaaaaaaaaaaaaaaaa";
const OTHER_ID: &str = "IDPbbbbbbbbbbbbbbbbb";
const DEVICE: &str = "DVCaaaaaaaaaaaaaaaaa";
const OTHER_DEVICE: &str = "DVCbbbbbbbbbbbbbbbbb";

/// Catalogue rules the oracle does not judge, and who does: the aspect (or
/// whole id) and the module.
const JUDGED_ELSEWHERE: [(&str, &str); 9] = [
    ("stored", "steps/then.rs: a read after the call"),
    (
        "same",
        "steps/then.rs: a read against the changing call's answer",
    ),
    (
        "concurrent-one-winner",
        "steps/then.rs, fuzz/concurrency.rs",
    ),
    ("concurrent-losers", "steps/then.rs, fuzz/concurrency.rs"),
    (
        "concurrent-loser-code",
        "steps/then.rs, fuzz/concurrency.rs",
    ),
    ("INVARIANT.one-active", "steps/then.rs, fuzz/exec.rs"),
    ("PROTOCOL.unknown-kind", "runner/properties.rs"),
    (
        "PROTOCOL.seq-order",
        "runner/properties.rs, process/connection.rs",
    ),
    (
        "PROTOCOL.stop",
        "runner/properties.rs, process/connection.rs",
    ),
];

fn ms(n: i64) -> TimeDelta {
    TimeDelta::milliseconds(n)
}

/// A call window of 5 ms from `t`.
fn window(t: DateTime<Utc>) -> Window {
    Window::between(t, t + ms(5))
}

/// The conforming answer for an Active process created at `created`.
fn active(id: &str, created: DateTime<Utc>, days: i64) -> IdentityDeletionProcess {
    IdentityDeletionProcess {
        id: id.to_owned(),
        status: Status::Active.as_str().to_owned(),
        created_at: format_timestamp(created),
        created_by_device: Some(DEVICE.to_owned()),
        grace_period_ends_at: Some(format_timestamp(created + TimeDelta::days(days))),
        cancelled_at: None,
        cancelled_by_device: None,
    }
}

/// `process` cancelled at `at` by its creator.
fn cancelled(process: &IdentityDeletionProcess, at: DateTime<Utc>) -> IdentityDeletionProcess {
    IdentityDeletionProcess {
        status: Status::Cancelled.as_str().to_owned(),
        grace_period_ends_at: None,
        cancelled_at: Some(format_timestamp(at)),
        cancelled_by_device: process.created_by_device.clone(),
        ..process.clone()
    }
}

/// A call to judge: the oracle after it was applied, and the conforming answer.
struct Case {
    oracle: Oracle,
    identity: usize,
    index: usize,
    area: &'static str,
    function: Function,
    expected: Expected,
    right: IdentityDeletionProcess,
}

/// The start of every scenario, late enough after the Identity's clock origin.
fn start() -> (Oracle, usize, DateTime<Utc>) {
    let mut oracle = Oracle::new();
    let me = oracle.add_identity();
    // Whole milliseconds, so the windows' edges are exact.
    let t0 = Utc::now() + TimeDelta::seconds(1);
    (
        oracle,
        me,
        t0 - TimeDelta::nanoseconds(t0.timestamp_subsec_nanos().into()),
    )
}

/// An initiate, applied, not yet answered.
fn initiating() -> Case {
    let (mut oracle, me, t0) = start();
    let expected = oracle.apply(me, &Call::Initiate(None), window(t0));
    assert_eq!(expected, Expected::Process(0));
    Case {
        oracle,
        identity: me,
        index: 0,
        area: "RID1",
        function: Function::Initiate,
        expected,
        right: active(ID, t0 + ms(2), 14),
    }
}

/// Process 0 initiated and answered conformingly (its id and Device bound).
fn initiated() -> (Oracle, usize, DateTime<Utc>, IdentityDeletionProcess) {
    let mut case = initiating();
    let t0 = case.oracle.seen[0].created[0];
    let Stamp::Real(w) = t0 else {
        panic!("a real clock");
    };
    case.oracle
        .check_process(case.identity, 0, &case.right, "RID1")
        .expect("the conforming initiate passes");
    (case.oracle, case.identity, w.earliest, case.right)
}

/// A cancel of the initiated process, applied, not yet answered.
fn cancelling() -> Case {
    let (mut oracle, me, t0, first) = initiated();
    let later = t0 + TimeDelta::seconds(1);
    let expected = oracle.apply(me, &Call::Cancel, window(later));
    assert_eq!(expected, Expected::Process(0));
    Case {
        oracle,
        identity: me,
        index: 0,
        area: "RID2",
        function: Function::Cancel,
        expected,
        right: cancelled(&first, later + ms(1)),
    }
}

/// A read (`getIdentityDeletionProcess` or `getActiveIdentityDeletionProcess`) of the initiated process.
fn reading(function: Function) -> Case {
    let (mut oracle, me, t0, first) = initiated();
    let call = match function {
        Function::Get => Call::Get(ID.to_owned()),
        _ => Call::GetActive,
    };
    let expected = oracle.apply(me, &call, window(t0 + TimeDelta::seconds(1)));
    assert_eq!(expected, Expected::Process(0));
    Case {
        oracle,
        identity: me,
        index: 0,
        area: function.use_case(),
        function,
        expected,
        right: first,
    }
}

/// The call of `function` where it succeeds with one process.
fn succeeding(function: Function) -> Case {
    match function {
        Function::Initiate => initiating(),
        Function::Cancel => cancelling(),
        _ => reading(function),
    }
}

/// The answer a case's call gives: one process, or the list for `getIdentityDeletionProcesses`.
fn shaped(function: Function, dto: IdentityDeletionProcess) -> Returned {
    if function == Function::GetAll {
        Returned::Many(vec![dto])
    } else {
        Returned::One(dto)
    }
}

/// `function` called where it succeeds, with its conforming answer.
fn succeeding_answer(function: Function) -> (Oracle, Expected, Returned) {
    if function == Function::GetAll {
        let (mut oracle, me, t0, first) = initiated();
        let expected = oracle.apply(me, &Call::GetAll, window(t0 + TimeDelta::seconds(1)));
        assert_eq!(expected, Expected::All);
        return (oracle, expected, Returned::Many(vec![first]));
    }
    let case = succeeding(function);
    (
        case.oracle,
        case.expected,
        shaped(function, case.right.clone()),
    )
}

/// The oracle where `function` must refuse with `kind`.
fn refusing(function: Function, kind: ErrorKind) -> Oracle {
    let (mut oracle, me, t0) = start();
    let later = window(t0 + TimeDelta::seconds(1));
    let call = match (function, kind) {
        (Function::Initiate, _) => {
            let (bound, me, t0, _) = initiated();
            oracle = bound;
            let expected = oracle.apply(me, &Call::Initiate(None), window(t0 + ms(100)));
            assert_eq!(expected, Expected::Error(kind));
            return oracle;
        }
        (Function::Cancel, ErrorKind::GracePeriodExpired) => {
            oracle.stop_clock(me, Window::exact(t0));
            oracle.apply(me, &Call::Initiate(Some(1)), Window::exact(t0));
            oracle.advance_clock(me, DAY_MS + 1);
            Call::Cancel
        }
        (Function::Cancel, _) => Call::Cancel,
        (Function::Get, ErrorKind::InvalidPropertyValue) => Call::Get("IDP".to_owned()),
        (Function::Get, _) => Call::Get(oracle.unknown_id(7)),
        _ => Call::GetActive,
    };
    assert_eq!(oracle.apply(me, &call, later), Expected::Error(kind));
    oracle
}

/// The answer a conforming implementation gives for `kind`: platform
/// errors wrapped as the runtime passes them on.
fn refusal(kind: ErrorKind) -> DomainError {
    if kind.is_platform() {
        DomainError {
            code: kind.code().to_owned(),
            message: format!(
                "{} (400): '{}' for PUT /api/v1/x with traceId 'abc'",
                kind.code(),
                kind.message()
            ),
        }
    } else {
        kind.error()
    }
}

/// A kind that is not `kind`.
fn another(kind: ErrorKind) -> ErrorKind {
    if kind == ErrorKind::RecordNotFound {
        ErrorKind::NoActiveProcess
    } else {
        ErrorKind::RecordNotFound
    }
}

/// Judges the conforming answer (`false`) or the wrong one (`true`).
type Judge = Box<dyn Fn(bool) -> Result<(), Failure>>;

struct Row {
    rule: String,
    wrong: String,
    judge: Judge,
}

fn row(
    rule: impl Into<String>,
    wrong: impl Into<String>,
    judge: impl Fn(bool) -> Result<(), Failure> + 'static,
) -> Row {
    Row {
        rule: rule.into(),
        wrong: wrong.into(),
        judge: Box::new(judge),
    }
}

/// A row whose wrong answer is `defect` in the answer of `case`'s call (the
/// process adapter's decoding verdict), beside the conforming answer.
fn malformed_field_row(
    rule: &str,
    wrong: &str,
    case: fn() -> Case,
    entry: Option<usize>,
    defect: DtoDefect,
) -> Row {
    row(rule, wrong, move |is_wrong| {
        let mut case = case();
        let result = if is_wrong {
            Err(CallError::Malformed(MalformedAnswer {
                entry,
                defect,
                answer: "{}".to_owned(),
            }))
        } else {
            Ok(Returned::One(case.right.clone()))
        };
        case.oracle
            .check_answer(0, case.function, &case.expected, &result)
    })
}

type Edit = fn(&mut IdentityDeletionProcess);

fn keep(_: &mut IdentityDeletionProcess) {}

/// A field row: `case`'s answer, edited by `right` or by `wrong`, judged by `check_process`.
fn field_row(rule: &str, what: &str, case: fn() -> Case, right: Edit, wrong: Edit) -> Row {
    row(rule, what, move |is_wrong| {
        let mut case = case();
        let mut dto = case.right.clone();
        (if is_wrong { wrong } else { right })(&mut dto);
        case.oracle
            .check_process(case.identity, case.index, &dto, case.area)
    })
}

/// A row judged by `check_answer` on `function`'s succeeding call.
fn answer_row(
    function: Function,
    aspect: &str,
    what: &str,
    wrong: impl Fn(&Returned) -> Result<Returned, CallError> + 'static,
) -> Row {
    row(
        RuleId::of(function.use_case(), aspect).as_str(),
        format!("{function}: {what}"),
        move |is_wrong| {
            let (mut oracle, expected, right) = succeeding_answer(function);
            let result = if is_wrong { wrong(&right) } else { Ok(right) };
            oracle.check_answer(0, function, &expected, &result)
        },
    )
}

/// A row judged by `check_answer` where `function` must refuse with `kind`.
fn refusal_row(
    function: Function,
    kind: ErrorKind,
    rule: String,
    what: &str,
    wrong: impl Fn() -> Result<Returned, CallError> + 'static,
) -> Row {
    row(rule, format!("{function}: {what}"), move |is_wrong| {
        let mut oracle = refusing(function, kind);
        let result = if is_wrong {
            wrong()
        } else {
            Err(CallError::Domain(refusal(kind)))
        };
        oracle.check_answer(0, function, &Expected::Error(kind), &result)
    })
}

/// The refusals a function can answer (the catalogue's, from the model).
fn refusals(function: Function) -> Vec<ErrorKind> {
    match function {
        Function::Initiate => vec![ErrorKind::ActiveProcessAlreadyExists],
        Function::Cancel => vec![ErrorKind::NoActiveProcess, ErrorKind::GracePeriodExpired],
        Function::Get => vec![ErrorKind::RecordNotFound, ErrorKind::InvalidPropertyValue],
        Function::GetActive => vec![ErrorKind::NoActiveProcess],
        Function::GetAll => vec![],
    }
}

fn per_function_rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for function in Function::ALL {
        let area = function.use_case();
        rows.push(answer_row(
            function,
            "answer",
            "the other shape",
            move |right| {
                Ok(match right {
                    Returned::One(p) => Returned::Many(vec![p.clone()]),
                    Returned::Many(list) => Returned::One(list[0].clone()),
                })
            },
        ));
        rows.push(answer_row(function, "answer", "an adapter fault", |_| {
            Err(CallError::Adapter(AdapterError::new(
                AdapterFault::Timeout,
                "no reply",
            )))
        }));
        rows.push(answer_row(function, "answer", "no object", |_| {
            Err(CallError::Malformed(MalformedAnswer {
                entry: None,
                defect: DtoDefect::NotAnObject,
                answer: "42".to_owned(),
            }))
        }));
        rows.push(answer_row(function, "succeeds", "a refusal", |_| {
            Err(CallError::Domain(ErrorKind::NoActiveProcess.error()))
        }));
        rows.push(row(
            format!("{area}.id"),
            format!("{function}: another process's id"),
            move |is_wrong| {
                let (mut oracle, expected, right) = succeeding_answer(function);
                // The When step binds the id of the process it created.
                oracle.bind(0, 0, ID);
                let other = |p: &IdentityDeletionProcess| IdentityDeletionProcess {
                    id: OTHER_ID.to_owned(),
                    ..p.clone()
                };
                let answer = match (&right, is_wrong) {
                    (_, false) => right.clone(),
                    (Returned::One(p), true) => Returned::One(other(p)),
                    (Returned::Many(list), true) => {
                        Returned::Many(list.iter().map(other).collect())
                    }
                };
                oracle.check_answer(0, function, &expected, &Ok(answer))
            },
        ));
        for kind in refusals(function) {
            let name = kind.short_name();
            rows.push(refusal_row(
                function,
                kind,
                format!("{area}.must-fail"),
                &format!("success instead of {name}"),
                || Ok(Returned::One(active(ID, Utc::now(), 14))),
            ));
            rows.push(refusal_row(
                function,
                kind,
                format!("{area}.must-fail"),
                &format!("a malformed success instead of {name}"),
                || {
                    Err(CallError::Malformed(MalformedAnswer {
                        entry: None,
                        defect: DtoDefect::NotAnObject,
                        answer: "[]".to_owned(),
                    }))
                },
            ));
            rows.push(refusal_row(
                function,
                kind,
                format!("{area}.{name}"),
                "another code",
                move || Err(CallError::Domain(another(kind).error())),
            ));
            rows.push(refusal_row(
                function,
                kind,
                format!("{area}.{name}.message"),
                "an empty message",
                move || {
                    Err(CallError::Domain(DomainError {
                        code: kind.code().to_owned(),
                        message: " ".to_owned(),
                    }))
                },
            ));
            if let Some(message) = kind.documented_message() {
                rows.push(refusal_row(
                    function,
                    kind,
                    format!("{area}.{name}.message"),
                    "the documented message cut short",
                    move || {
                        Err(CallError::Domain(DomainError {
                            code: kind.code().to_owned(),
                            message: message[..message.len() - 1].to_owned(),
                        }))
                    },
                ));
            }
            if !kind.is_platform() && kind.documented_message().is_some() {
                rows.push(refusal_row(
                    function,
                    kind,
                    format!("{area}.{name}.message"),
                    "the runtime's message wrapped",
                    move || {
                        Err(CallError::Domain(DomainError {
                            code: kind.code().to_owned(),
                            message: format!("error: {}", kind.message()),
                        }))
                    },
                ));
            }
        }
    }
    // The steps' "fails with" check after any call, here a list that succeeded.
    for (what, wrong) in [
        ("a list instead of a refusal", 0),
        ("an adapter fault instead of a refusal", 1),
    ] {
        rows.push(row(
            format!("{}.must-fail", Function::GetAll.use_case()),
            what,
            move |is_wrong| {
                let kind = ErrorKind::RecordNotFound;
                let result = match (is_wrong, wrong) {
                    (false, _) => Err(CallError::Domain(kind.error())),
                    (true, 0) => Ok(Returned::Many(Vec::new())),
                    (true, _) => Err(CallError::Adapter(AdapterError::new(
                        AdapterFault::Crash,
                        "exited",
                    ))),
                };
                check_fails_with(Function::GetAll.use_case(), kind, &result)
            },
        ));
    }
    rows
}

fn list_rows() -> Vec<Row> {
    /// Two processes: the first cancelled, the second Active; `getIdentityDeletionProcesses` applied.
    fn two() -> (Oracle, Vec<IdentityDeletionProcess>) {
        let mut case = cancelling();
        let first = case.right.clone();
        case.oracle.check_process(0, 0, &first, "RID2").unwrap();
        let t1 = Utc::now() + TimeDelta::seconds(3);
        assert_eq!(
            case.oracle.apply(0, &Call::Initiate(None), window(t1)),
            Expected::Process(1)
        );
        let second = active(OTHER_ID, t1 + ms(1), 14);
        case.oracle.check_process(0, 1, &second, "RID1").unwrap();
        assert_eq!(
            case.oracle.apply(0, &Call::GetAll, window(t1 + ms(10))),
            Expected::All
        );
        (case.oracle, vec![first, second])
    }
    let list = |wrong: fn(&mut Vec<IdentityDeletionProcess>)| {
        move |is_wrong: bool| {
            let (mut oracle, mut list) = two();
            if is_wrong {
                wrong(&mut list);
            }
            oracle.check_answer(
                0,
                Function::GetAll,
                &Expected::All,
                &Ok(Returned::Many(list)),
            )
        }
    };
    vec![
        row(
            "RID5.complete",
            "a process left out",
            list(|l| l.truncate(1)),
        ),
        row(
            "RID5.complete",
            "a process twice",
            list(|l| l.push(l[1].clone())),
        ),
        row("RID5.order", "newest first", list(|l| l.reverse())),
        row(
            "RID5.id",
            "an unknown process in the first place",
            list(|l| l[0].id = format!("IDP{}", "c".repeat(17))),
        ),
        row(
            "RID5.id",
            "the Active process twice",
            list(|l| l[0] = l[1].clone()),
        ),
        row(
            "RID5.id",
            "another Identity's process in the second place",
            |is_wrong| {
                let (mut oracle, mut list) = two();
                let other = oracle.add_identity();
                let t = Utc::now() + TimeDelta::seconds(5);
                oracle.apply(other, &Call::Initiate(None), window(t));
                let theirs = IdentityDeletionProcess {
                    created_by_device: Some(OTHER_DEVICE.into()),
                    ..active(&format!("IDP{}", "d".repeat(17)), t + ms(1), 14)
                };
                oracle.check_process(other, 0, &theirs, "RID1")?;
                if is_wrong {
                    // The own second process first, the other Identity's next.
                    list = vec![list[1].clone(), theirs];
                }
                oracle.check_answer(
                    0,
                    Function::GetAll,
                    &Expected::All,
                    &Ok(Returned::Many(list)),
                )
            },
        ),
        row(
            "RID2.status",
            "the cancelled process listed as Active",
            list(|l| l[0].status = Status::Active.as_str().to_owned()),
        ),
    ]
}

fn field_rows() -> Vec<Row> {
    fn later(text: &str, by: i64) -> String {
        format_timestamp(parse_utc_timestamp(text).unwrap() + ms(by))
    }
    fn grace_by(p: &mut IdentityDeletionProcess, by: i64) {
        p.grace_period_ends_at = Some(later(p.grace_period_ends_at.as_deref().unwrap(), by));
    }
    vec![
        field_row("RID1.status", "`active`", initiating, keep, |p| {
            p.status = "active".into()
        }),
        field_row(
            "RID2.status",
            "still Active after cancel",
            cancelling,
            keep,
            |p| p.status = Status::Active.as_str().into(),
        ),
        field_row(
            "RID1.createdAt",
            "1 ms after the call",
            initiating,
            |p| {
                p.created_at = later(&p.created_at, 3);
                grace_by(p, 3);
            },
            |p| {
                p.created_at = later(&p.created_at, 4);
                grace_by(p, 4);
            },
        ),
        field_row(
            "RID1.createdAt",
            "1 ms before the call",
            initiating,
            |p| {
                p.created_at = later(&p.created_at, -2);
                grace_by(p, -2);
            },
            |p| {
                p.created_at = later(&p.created_at, -3);
                grace_by(p, -3);
            },
        ),
        field_row(
            "DTO.timestamp-utc",
            "an offset instead of `Z`",
            initiating,
            keep,
            |p| p.created_at = p.created_at.replace('Z', "+00:00"),
        ),
        field_row(
            "DTO.timestamp-utc",
            "`gracePeriodEndsAt` with an offset",
            initiating,
            keep,
            |p| {
                p.grace_period_ends_at = p
                    .grace_period_ends_at
                    .as_ref()
                    .map(|g| g.replace('Z', "+00:00"))
            },
        ),
        field_row(
            "RID1.gracePeriodEndsAt",
            "1 ms short",
            initiating,
            keep,
            |p| grace_by(p, -1),
        ),
        field_row(
            "RID1.gracePeriodEndsAt",
            "beyond the tolerance",
            initiating,
            |p| grace_by(p, GRACE_PERIOD_TOLERANCE_MS),
            |p| grace_by(p, GRACE_PERIOD_TOLERANCE_MS + 1),
        ),
        field_row("RID1.gracePeriodEndsAt", "absent", initiating, keep, |p| {
            p.grace_period_ends_at = None
        }),
        field_row(
            "RID1.gracePeriodEndsAt",
            "seven days",
            initiating,
            keep,
            |p| grace_by(p, -7 * DAY_MS),
        ),
        field_row(
            "RID2.gracePeriodEndsAt",
            "kept after cancel",
            cancelling,
            keep,
            |p| p.grace_period_ends_at = Some(p.created_at.clone()),
        ),
        field_row(
            "RID2.cancelledAt",
            "set on an Active process",
            initiating,
            keep,
            |p| p.cancelled_at = Some(p.created_at.clone()),
        ),
        field_row(
            "RID2.cancelledAt",
            "absent after cancel",
            cancelling,
            keep,
            |p| p.cancelled_at = None,
        ),
        field_row(
            "RID2.cancelledAt",
            "the creation time",
            cancelling,
            keep,
            |p| p.cancelled_at = Some(p.created_at.clone()),
        ),
        field_row(
            "DTO.timestamp-utc",
            "`cancelledAt` without a zone",
            cancelling,
            keep,
            |p| p.cancelled_at = p.cancelled_at.as_ref().map(|c| c.replace('Z', "")),
        ),
        field_row(
            "RID2.cancelledByDevice",
            "set on an Active process",
            initiating,
            keep,
            |p| p.cancelled_by_device = Some(DEVICE.into()),
        ),
        field_row(
            "RID2.cancelledByDevice",
            "absent after cancel",
            cancelling,
            keep,
            |p| p.cancelled_by_device = None,
        ),
        field_row(
            "RID2.cancelledByDevice",
            "another Device than the caller's",
            cancelling,
            keep,
            |p| p.cancelled_by_device = Some(OTHER_DEVICE.into()),
        ),
        field_row(
            "RID2.cancelledByDevice",
            "no Device id",
            cancelling,
            keep,
            |p| p.cancelled_by_device = Some("device".into()),
        ),
        field_row(
            "RID1.createdByDevice",
            "no Device id",
            initiating,
            keep,
            |p| p.created_by_device = Some("device-1".into()),
        ),
        field_row("RID1.createdByDevice", "absent", initiating, keep, |p| {
            p.created_by_device = None
        }),
        field_row(
            "RID1.createdByDevice",
            "`DVC` alone",
            initiating,
            |p| p.created_by_device = Some("DVCa".into()),
            |p| p.created_by_device = Some("DVC".into()),
        ),
        field_row(
            "RID1.createdByDevice",
            "changed after the first answer",
            || reading(Function::Get),
            keep,
            |p| p.created_by_device = Some(OTHER_DEVICE.into()),
        ),
        field_row("DTO.id-format", "a short id", initiating, keep, |p| {
            p.id = "IDP123".into()
        }),
        field_row(
            "RID3.id",
            "another process",
            || reading(Function::Get),
            keep,
            |p| p.id = OTHER_ID.into(),
        ),
    ]
}

/// Rows whose scenario needs more than one call or Identity.
fn scenario_rows() -> Vec<Row> {
    vec![
        row(
            "DTO.id-unique",
            "a new process with the id of the cancelled one",
            |is_wrong| {
                let mut case = cancelling();
                let right = case.right.clone();
                case.oracle.check_process(0, 0, &right, "RID2")?;
                let t = Utc::now() + TimeDelta::seconds(5);
                case.oracle.apply(0, &Call::Initiate(None), window(t));
                let id = if is_wrong { ID } else { OTHER_ID };
                case.oracle
                    .check_process(0, 1, &active(id, t + ms(1), 14), "RID1")
            },
        ),
        row(
            "RID1.createdByDevice",
            "another Identity's Device",
            |is_wrong| {
                let (mut oracle, _, t0, _) = initiated();
                let other = oracle.add_identity();
                oracle.apply(other, &Call::Initiate(None), window(t0));
                let mut theirs = active(OTHER_ID, t0 + ms(1), 14);
                theirs.created_by_device =
                    Some(if is_wrong { DEVICE } else { OTHER_DEVICE }.into());
                oracle.check_process(other, 0, &theirs, "RID1")
            },
        ),
        row(
            "RID1.createdByDevice",
            "a Device the suite added, not the caller",
            |is_wrong| {
                let (mut oracle, me, t0) = start();
                oracle.add_device(me, OTHER_DEVICE);
                oracle.apply(me, &Call::Initiate(None), window(t0));
                let mut p = active(ID, t0 + ms(1), 14);
                if is_wrong {
                    p.created_by_device = Some(OTHER_DEVICE.into());
                }
                oracle.check_process(me, 0, &p, "RID1")
            },
        ),
        row(
            "RID1.createdByDevice",
            "the first Device when the suite's added one initiated",
            |is_wrong| {
                let (mut oracle, me, t0) = start();
                oracle.add_device(me, OTHER_DEVICE);
                oracle.apply_as(me, &Call::Initiate(None), window(t0), Some(OTHER_DEVICE));
                let mut p = active(ID, t0 + ms(1), 14);
                p.created_by_device = Some(if is_wrong { DEVICE } else { OTHER_DEVICE }.into());
                oracle.check_process(me, 0, &p, "RID1")
            },
        ),
        row(
            "RID2.cancelledAt",
            "a stopped clock's instant missed by 1 ms",
            |is_wrong| {
                let (mut oracle, me, t0) = start();
                oracle.stop_clock(me, window(t0));
                oracle.apply(me, &Call::Initiate(Some(1)), window(t0 + ms(50)));
                let created = t0 + ms(3);
                let first = active(ID, created, 1);
                oracle.check_process(me, 0, &first, "RID1")?;
                oracle.advance_clock(me, DAY_MS);
                oracle.apply(me, &Call::Cancel, window(t0 + ms(90)));
                let by = if is_wrong { 1 } else { 0 };
                oracle.check_process(
                    me,
                    0,
                    &cancelled(&first, created + TimeDelta::days(1) + ms(by)),
                    "RID2",
                )
            },
        ),
        row(
            "RID1.createdAt",
            "a set clock's instant missed by 1 ms",
            |is_wrong| {
                let (mut oracle, me, t0) = start();
                oracle.stop_clock(me, window(t0));
                let set = t0 + TimeDelta::days(30);
                oracle.set_clock(me, set);
                oracle.apply(me, &Call::Initiate(Some(2)), window(t0 + ms(50)));
                let by = if is_wrong { -1 } else { 0 };
                oracle.check_process(me, 0, &active(ID, set + ms(by), 2), "RID1")
            },
        ),
        malformed_field_row(
            UNSET_FIELD_ABSENT,
            "`cancelledAt: null` in an answer",
            initiating,
            None,
            DtoDefect::Field(Field::CancelledAt, FieldDefect::Null),
        ),
        malformed_field_row(
            "RID1.createdAt",
            "`createdAt: null` in an answer",
            initiating,
            Some(0),
            DtoDefect::Field(Field::CreatedAt, FieldDefect::Null),
        ),
        malformed_field_row(
            "RID2.cancelledAt",
            "`cancelledAt` a number in a cancel's answer",
            cancelling,
            None,
            DtoDefect::Field(Field::CancelledAt, FieldDefect::NotAString),
        ),
        row(
            "DEVICES.new-device",
            "the new Device is the first one",
            |is_wrong| {
                let device = if is_wrong { DEVICE } else { OTHER_DEVICE };
                check_new_device(device, ["DVCccccccccccccccccc", DEVICE].into_iter())
            },
        ),
        row(
            "DEVICES.new-device",
            "the new Device's id is no `DVC…` id",
            |is_wrong| {
                let device = if is_wrong { "device-2" } else { OTHER_DEVICE };
                check_new_device(device, [DEVICE].into_iter())
            },
        ),
        row(
            "INVARIANT.serializable",
            "two initiates succeeded, no cancel (the callers file `explain`'s answer under this id)",
            |is_wrong| {
                let outcome = BurstOutcome {
                    initiated: if is_wrong { 2 } else { 1 },
                    initiate_refused: 3,
                    ..BurstOutcome::default()
                };
                explain(false, outcome)
                    .map_err(|e| Failure::new(RuleId::new("INVARIANT.serializable"), e))
            },
        ),
    ]
}

fn event_rows() -> Vec<Row> {
    /// Two Identities; the first has initiated (its process judged): the
    /// changes and the conforming events of the first.
    fn events(
        wrong: fn(&mut Vec<IdentityDeletionProcess>, &mut Vec<StatusChangedEvent>, usize) -> usize,
    ) -> impl Fn(bool) -> Result<(), Failure> {
        move |is_wrong| {
            let (mut oracle, me, t0, first) = initiated();
            let other = oracle.add_identity();
            oracle.apply(other, &Call::Initiate(None), window(t0));
            let theirs = IdentityDeletionProcess {
                created_by_device: Some(OTHER_DEVICE.into()),
                ..active(OTHER_ID, t0 + ms(1), 14)
            };
            oracle.check_process(other, 0, &theirs, "RID1")?;
            let later = t0 + TimeDelta::seconds(1);
            oracle.apply(me, &Call::Cancel, window(later));
            let second = cancelled(&first, later + ms(1));
            oracle.check_process(me, 0, &second, "RID2")?;
            let mut changes = vec![first.clone(), second.clone()];
            let mut published: Vec<StatusChangedEvent> =
                changes.iter().map(StatusChangedEvent::carrying).collect();
            let mut whose = me;
            if is_wrong {
                whose = wrong(&mut changes, &mut published, other);
            }
            oracle.check_events(whose, &changes, &published)
        }
    }
    vec![
        row(
            "EVENT.name",
            "another event name",
            events(|_, published, _| {
                published[1].name = "transport.identityDeletionProcessChanged".into();
                0
            }),
        ),
        row(
            "EVENT.own-identity",
            "the events in the other Identity's stream",
            events(|changes, _, other| {
                changes.clear();
                other
            }),
        ),
        row(
            "EVENT.own-identity",
            "another Identity's event among the own",
            events(|changes, published, _| {
                let mut theirs = changes[0].clone();
                theirs.id = OTHER_ID.into();
                published.push(StatusChangedEvent::carrying(&theirs));
                changes.push(theirs);
                0
            }),
        ),
        row(
            "EVENT.none-without-change",
            "an event although nothing changed",
            events(|changes, published, _| {
                changes.clear();
                published.truncate(1);
                0
            }),
        ),
        row(
            "EVENT.once",
            "the cancel's event missing",
            events(|_, published, _| {
                published.pop();
                0
            }),
        ),
        row(
            "EVENT.once",
            "an event twice",
            events(|_, published, _| {
                published.push(published[1].clone());
                0
            }),
        ),
        row(
            "EVENT.order",
            "the cancel's event first",
            events(|_, published, _| {
                published.reverse();
                0
            }),
        ),
        row(
            "EVENT.data",
            "the cancel's event carrying the Active process",
            events(|_, published, _| {
                published[1] = published[0].clone();
                0
            }),
        ),
        row(
            "EVENT.data",
            "an event without `createdAt`",
            events(|_, published, _| {
                if let Some(data) = published[0].data.as_object_mut() {
                    data.remove("createdAt");
                }
                0
            }),
        ),
        row(
            "EVENT.data",
            "`createdAt: null` in an event",
            events(|_, published, _| {
                published[1].data["createdAt"] = serde_json::Value::Null;
                0
            }),
        ),
        row(
            UNSET_FIELD_ABSENT,
            "`cancelledAt: null` in an event",
            events(|_, published, _| {
                published[0].data["cancelledAt"] = serde_json::Value::Null;
                0
            }),
        ),
    ]
}

fn all_rows() -> Vec<Row> {
    let mut rows = per_function_rows();
    rows.extend(list_rows());
    rows.extend(field_rows());
    rows.extend(scenario_rows());
    rows.extend(event_rows());
    rows
}

#[test]
fn every_rule_of_the_oracle_refuses_its_wrong_answer_and_accepts_the_right_one() {
    let mut problems = Vec::new();
    for row in all_rows() {
        assert!(
            crate::rules::find(&row.rule).is_some(),
            "{}: not in the catalogue",
            row.rule
        );
        if let Err(failure) = (row.judge)(false) {
            problems.push(format!(
                "{} ({}): the right answer failed: {failure}",
                row.rule, row.wrong
            ));
        }
        match (row.judge)(true) {
            Ok(()) => problems.push(format!("{} ({}): accepted", row.rule, row.wrong)),
            Err(failure) if failure.rule.as_str() != row.rule => problems.push(format!(
                "{} ({}): refused under another rule: {failure}",
                row.rule, row.wrong
            )),
            Err(_) => {}
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_rule_of_the_catalogue_has_a_rejection_row_or_is_judged_elsewhere() {
    let tested: std::collections::BTreeSet<String> =
        all_rows().into_iter().map(|r| r.rule).collect();
    let elsewhere = |id: &str| {
        JUDGED_ELSEWHERE
            .iter()
            .any(|(aspect, _)| id == *aspect || id.ends_with(&format!(".{aspect}")))
    };
    let missing: Vec<&str> = crate::rules::all()
        .iter()
        .map(|r| r.id.as_str())
        .filter(|id| !tested.contains(*id) && !elsewhere(id))
        .collect();
    assert!(
        missing.is_empty(),
        "oracle rules without a rejection row: {missing:?}"
    );
    for (aspect, by) in JUDGED_ELSEWHERE {
        assert!(
            crate::rules::all()
                .iter()
                .any(|r| r.id == aspect || r.id.ends_with(&format!(".{aspect}"))),
            "{aspect} ({by}) is not in the catalogue"
        );
        assert!(
            !tested
                .iter()
                .any(|t| t == aspect || t.ends_with(&format!(".{aspect}"))),
            "{aspect} has rows here; take it out of JUDGED_ELSEWHERE"
        );
    }
}
