use super::model::{DAY_MS, MS_NS};
use super::*;
use crate::domain::format_timestamp;

fn dto(
    id: &str,
    status: &str,
    created: DateTime<Utc>,
    days: Option<i64>,
) -> IdentityDeletionProcess {
    IdentityDeletionProcess {
        id: id.to_owned(),
        status: status.to_owned(),
        created_at: format_timestamp(created),
        created_by_device: Some("DVCaaaaaaaaaaaaaaaaa".to_owned()),
        grace_period_ends_at: days.map(|d| format_timestamp(created + TimeDelta::days(d))),
        cancelled_at: None,
        cancelled_by_device: None,
    }
}

const ID: &str = "IDPaaaaaaaaaaaaaaaaa";

fn initiated() -> (Oracle, Window, IdentityDeletionProcess) {
    let mut oracle = Oracle::new();
    let me = oracle.add_identity();
    let now = Utc::now();
    let window = Window::between(now, now + TimeDelta::milliseconds(5));
    let expected = oracle.apply(me, &Call::Initiate(None), window);
    assert_eq!(expected, Expected::Process(0));
    let created = window.earliest + TimeDelta::milliseconds(2);
    (oracle, window, dto(ID, "Active", created, Some(14)))
}

#[test]
fn a_conforming_answer_passes_and_binds_the_id() {
    let (mut oracle, _, p) = initiated();
    assert_eq!(oracle.check_process(0, 0, &p, "RID1"), Ok(()));
    assert_eq!(oracle.id_of(0, 0), Some(ID));
    assert_eq!(oracle.owner_of(ID), Some((0, 0)));
}

#[test]
fn each_wrong_field_names_its_rule() {
    let (oracle, window, p) = initiated();
    type Mutate = Box<dyn Fn(&mut IdentityDeletionProcess)>;
    let cases: Vec<(&str, Mutate)> = vec![
        ("RID1.status", Box::new(|p| p.status = "active".into())),
        ("DTO.id-format", Box::new(|p| p.id = "IDP123".into())),
        (
            "RID1.createdAt",
            Box::new(move |p| {
                p.created_at = format_timestamp(window.latest + TimeDelta::milliseconds(1));
                p.grace_period_ends_at = Some(format_timestamp(
                    window.latest + TimeDelta::milliseconds(1) + TimeDelta::days(14),
                ));
            }),
        ),
        (
            "DTO.timestamp-utc",
            Box::new(|p| p.created_at = p.created_at.replace('Z', "+00:00")),
        ),
        (
            "RID1.gracePeriodEndsAt",
            Box::new(|p| {
                let end =
                    crate::domain::parse_timestamp(p.grace_period_ends_at.as_deref().unwrap())
                        .unwrap();
                p.grace_period_ends_at = Some(format_timestamp(end - TimeDelta::milliseconds(1)));
            }),
        ),
        (
            "RID1.gracePeriodEndsAt",
            Box::new(|p| p.grace_period_ends_at = None),
        ),
        (
            "RID1.createdByDevice",
            Box::new(|p| p.created_by_device = Some("device-1".into())),
        ),
        (
            "RID2.cancelledAt",
            Box::new(|p| p.cancelled_at = Some(p.created_at.clone())),
        ),
        (
            "RID2.cancelledByDevice",
            Box::new(|p| p.cancelled_by_device = p.created_by_device.clone()),
        ),
    ];
    for (rule, mutate) in cases {
        let mut oracle = oracle.clone();
        let mut wrong = p.clone();
        mutate(&mut wrong);
        let failure = oracle.check_process(0, 0, &wrong, "RID1").expect_err(rule);
        assert_eq!(failure.rule.as_str(), rule, "{failure}");
    }
}

#[test]
fn a_cancellation_must_carry_the_cancel_calls_time_and_the_callers_device() {
    let (mut oracle, _, p) = initiated();
    oracle.check_process(0, 0, &p, "RID1").unwrap();
    let later = Utc::now() + TimeDelta::seconds(3);
    let window = Window::between(later, later + TimeDelta::milliseconds(3));
    assert_eq!(oracle.apply(0, &Call::Cancel, window), Expected::Process(0));
    let mut cancelled = p.clone();
    cancelled.status = "Cancelled".into();
    cancelled.grace_period_ends_at = None;
    cancelled.cancelled_at = Some(format_timestamp(
        window.earliest + TimeDelta::milliseconds(1),
    ));
    cancelled.cancelled_by_device = p.created_by_device.clone();
    assert_eq!(
        oracle.clone().check_process(0, 0, &cancelled, "RID2"),
        Ok(())
    );

    let mut copied = cancelled.clone();
    copied.cancelled_at = Some(p.created_at.clone());
    let failure = oracle
        .clone()
        .check_process(0, 0, &copied, "RID2")
        .unwrap_err();
    assert_eq!(failure.rule.as_str(), "RID2.cancelledAt");

    let mut other_device = cancelled.clone();
    other_device.cancelled_by_device = Some("DVCbbbbbbbbbbbbbbbbb".into());
    let failure = oracle
        .clone()
        .check_process(0, 0, &other_device, "RID2")
        .unwrap_err();
    assert_eq!(failure.rule.as_str(), "RID2.cancelledByDevice");

    let mut kept = cancelled;
    kept.grace_period_ends_at = p.grace_period_ends_at.clone();
    let failure = oracle.check_process(0, 0, &kept, "RID2").unwrap_err();
    assert_eq!(failure.rule.as_str(), "RID2.gracePeriodEndsAt");
}

#[test]
fn a_stopped_clock_pins_every_later_timestamp_exactly() {
    let mut oracle = Oracle::new();
    let me = oracle.add_identity();
    let now = Utc::now();
    oracle.stop_clock(me, Window::between(now, now + TimeDelta::milliseconds(10)));
    let expected = oracle.apply(me, &Call::Initiate(Some(1)), Window::exact(now));
    assert_eq!(expected, Expected::Process(0));
    let at = Window::between(now, now).earliest + TimeDelta::milliseconds(4);
    let first = dto(ID, "Active", at, Some(1));
    assert_eq!(oracle.check_process(me, 0, &first, "RID1"), Ok(()));
    // The clock is pinned now: 1 day later, cancelling must carry exactly that instant.
    oracle.advance_clock(me, DAY_MS);
    assert_eq!(
        oracle.apply(me, &Call::Cancel, Window::exact(now)),
        Expected::Process(0)
    );
    let mut cancelled = first.clone();
    cancelled.status = "Cancelled".into();
    cancelled.grace_period_ends_at = None;
    cancelled.cancelled_by_device = first.created_by_device.clone();
    cancelled.cancelled_at = Some(format_timestamp(at + TimeDelta::days(1)));
    assert_eq!(
        oracle.clone().check_process(me, 0, &cancelled, "RID2"),
        Ok(())
    );
    cancelled.cancelled_at = Some(format_timestamp(
        at + TimeDelta::days(1) + TimeDelta::milliseconds(1),
    ));
    assert!(oracle.check_process(me, 0, &cancelled, "RID2").is_err());
}

#[test]
fn gets_are_decided_by_the_ids_the_suite_saw() {
    let (mut oracle, window, p) = initiated();
    oracle.check_process(0, 0, &p, "RID1").unwrap();
    let other = oracle.add_identity();
    assert_eq!(
        oracle.apply(0, &Call::Get(ID.into()), window),
        Expected::Process(0)
    );
    assert_eq!(
        oracle.apply(other, &Call::Get(ID.into()), window),
        Expected::Error(ErrorKind::RecordNotFound)
    );
    assert_eq!(
        oracle.apply(0, &Call::Get("IDP".into()), window),
        Expected::Error(ErrorKind::InvalidPropertyValue)
    );
    let unknown = oracle.unknown_id(1);
    assert_ne!(unknown, ID);
    assert_eq!(
        oracle.apply(0, &Call::Get(unknown), window),
        Expected::Error(ErrorKind::RecordNotFound)
    );
}

#[test]
fn devices_belong_to_one_identity() {
    let (mut oracle, window, p) = initiated();
    oracle.check_process(0, 0, &p, "RID1").unwrap();
    let other = oracle.add_identity();
    assert_eq!(
        oracle.apply(other, &Call::Initiate(None), window),
        Expected::Process(0)
    );
    let mut theirs = dto("IDPbbbbbbbbbbbbbbbbb", "Active", window.earliest, Some(14));
    theirs.created_by_device = p.created_by_device.clone();
    let failure = oracle.check_process(other, 0, &theirs, "RID1").unwrap_err();
    assert_eq!(failure.rule.as_str(), "RID1.createdByDevice");
}

#[test]
fn error_messages_must_be_the_documented_ones() {
    let kind = ErrorKind::NoActiveProcess;
    assert_eq!(check_error("RID2", kind, &kind.error()), Ok(()));
    let wrong = DomainError {
        code: kind.code().into(),
        message: "nope".into(),
    };
    assert_eq!(
        check_error("RID2", kind, &wrong).unwrap_err().rule.as_str(),
        "RID2.noActiveIdentityDeletionProcess.message"
    );
    let other = ErrorKind::RecordNotFound.error();
    assert_eq!(
        check_error("RID2", kind, &other).unwrap_err().rule.as_str(),
        "RID2.noActiveIdentityDeletionProcess"
    );
}

#[test]
fn the_grace_period_tolerates_a_late_second_clock_read_and_nothing_more() {
    let day = DAY_MS;
    let ms = chrono::TimeDelta::milliseconds;
    assert!(grace_period_matches(ms(day), day));
    assert!(grace_period_matches(
        ms(day + GRACE_PERIOD_TOLERANCE_MS),
        day
    ));
    assert!(!grace_period_matches(
        ms(day + GRACE_PERIOD_TOLERANCE_MS + 1),
        day
    ));
    assert!(!grace_period_matches(ms(day - 1), day));
    assert!(!grace_period_matches(ms(day - 1_000), day));
    // At full precision (the Backbone writes 7 fractional digits): 100 ns
    // short is short, 100 ns beyond the tolerance is beyond it.
    let ns = chrono::TimeDelta::nanoseconds;
    assert!(!grace_period_matches(ms(day) - ns(100), day));
    assert!(!grace_period_matches(
        ms(day + GRACE_PERIOD_TOLERANCE_MS) + ns(100),
        day
    ));
}

#[test]
fn platform_errors_may_arrive_wrapped_runtime_errors_may_not() {
    let platform = ErrorKind::GracePeriodExpired;
    let documented = platform.documented_message().unwrap();
    let wrapped = DomainError {
        code: platform.code().into(),
        message: format!(
            "{} (400): '{documented}' for PUT /x at 2026-01-01T00:00:00Z with traceId 'abc'",
            platform.code()
        ),
    };
    assert_eq!(check_error("RID2", platform, &wrapped), Ok(()));
    let runtime = ErrorKind::NoActiveProcess;
    let wrapped = DomainError {
        code: runtime.code().into(),
        message: format!("x '{}' y", runtime.documented_message().unwrap()),
    };
    assert!(check_error("RID2", runtime, &wrapped).is_err());
}

#[test]
fn waived_rules_pass_and_are_counted() {
    let (oracle, _, p) = initiated();
    let mut oracle = Oracle {
        waivers: Arc::new(Waivers::new(["RID1.status"])),
        ..oracle
    };
    let mut wrong = p;
    wrong.status = "active".into();
    assert_eq!(oracle.check_process(0, 0, &wrong, "RID1"), Ok(()));
    assert_eq!(oracle.waivers.usage().get("RID1.status"), Some(&1));
}

#[test]
fn timestamps_with_seven_fractional_digits_pass_and_compare_as_instants() {
    let (mut oracle, window, _) = initiated();
    // The Backbone writes 100 ns ticks, trailing zeros trimmed.
    let created = window.earliest + TimeDelta::microseconds(2_123) + TimeDelta::nanoseconds(400);
    let seven = |t: DateTime<Utc>| {
        t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
            .replace("00Z", "Z")
    };
    let mut p = dto(ID, "Active", created, Some(14));
    p.created_at = seven(created);
    p.grace_period_ends_at = Some(seven(created + TimeDelta::days(14)));
    assert!(p.created_at.ends_with("1234Z"), "{}", p.created_at);
    assert_eq!(oracle.check_process(0, 0, &p, "RID1"), Ok(()));
    // The event may write the same instants with 3 digits more or fewer.
    let mut event = p.clone();
    event.created_at = seven(created).replace("1234Z", "1234000Z");
    let published = [StatusChangedEvent::carrying(&event)];
    assert_eq!(oracle.check_events(0, &[p.clone()], &published), Ok(()));
}

#[test]
fn events_are_judged_per_identity_in_order_and_whole() {
    let (mut oracle, _, p) = initiated();
    assert_eq!(oracle.check_process(0, 0, &p, "RID1"), Ok(()));
    let other = oracle.add_identity();
    let event = StatusChangedEvent::carrying(&p);
    let rule = |r: Result<(), Failure>| r.err().map(|f| f.rule.as_str().to_owned());
    // Identity 0's event in Identity 1's stream.
    assert_eq!(
        rule(oracle.check_events(other, &[], std::slice::from_ref(&event))),
        Some("EVENT.own-identity".into())
    );
    assert_eq!(
        rule(oracle.check_events(0, std::slice::from_ref(&p), &[])),
        Some("EVENT.once".into())
    );
    let mut partial = event.clone();
    partial.data = serde_json::json!({ "id": p.id, "status": p.status });
    assert_eq!(
        rule(oracle.check_events(0, std::slice::from_ref(&p), &[partial])),
        Some("EVENT.data".into())
    );
    let mut nulled = event.clone();
    nulled.data["cancelledAt"] = serde_json::Value::Null;
    assert_eq!(
        rule(oracle.check_events(0, std::slice::from_ref(&p), &[nulled])),
        Some(UNSET_FIELD_ABSENT.into())
    );
    let mut renamed = event.clone();
    renamed.name = "transport.somethingElse".into();
    assert_eq!(
        rule(oracle.check_events(0, std::slice::from_ref(&p), &[renamed])),
        Some("EVENT.name".into())
    );
    let mut cancelled = p.clone();
    cancelled.status = "Cancelled".into();
    let both = [p.clone(), cancelled.clone()];
    let swapped = [
        StatusChangedEvent::carrying(&cancelled),
        StatusChangedEvent::carrying(&p),
    ];
    assert_eq!(
        rule(oracle.check_events(0, &both, &swapped)),
        Some("EVENT.order".into())
    );
    assert_eq!(
        rule(oracle.check_events(0, &[], std::slice::from_ref(&event))),
        Some("EVENT.none-without-change".into())
    );
    assert_eq!(
        oracle.check_events(0, std::slice::from_ref(&p), &[event]),
        Ok(())
    );
}

#[test]
fn a_malformed_answer_is_failed_under_the_rule_it_breaks() {
    let (mut oracle, _, _) = initiated();
    let malformed = |defect| {
        Err(CallError::Malformed(MalformedAnswer {
            entry: None,
            defect,
            answer: "{}".into(),
        }))
    };
    let rule = |oracle: &mut Oracle, result: &Result<Returned, CallError>| {
        oracle
            .check_answer(0, Function::Initiate, &Expected::Process(0), result)
            .err()
            .map(|f| f.rule.as_str().to_owned())
    };
    for (defect, expected) in [
        (
            DtoDefect::Field(Field::CancelledAt, FieldDefect::Null),
            UNSET_FIELD_ABSENT,
        ),
        (
            DtoDefect::Field(Field::CreatedAt, FieldDefect::Missing),
            "RID1.createdAt",
        ),
        (
            DtoDefect::Field(Field::CreatedAt, FieldDefect::Null),
            "RID1.createdAt",
        ),
        (
            DtoDefect::Field(Field::Status, FieldDefect::NotAString),
            "RID1.status",
        ),
        (DtoDefect::NotAnObject, "RID1.answer"),
    ] {
        assert_eq!(
            rule(&mut oracle, &malformed(defect)),
            Some(expected.to_owned()),
            "{defect:?}"
        );
    }
    // Expected to fail, it answered (malformed): must-fail.
    assert_eq!(
        oracle
            .check_answer(
                0,
                Function::Initiate,
                &Expected::Error(ErrorKind::ActiveProcessAlreadyExists),
                &malformed(DtoDefect::NotAnObject)
            )
            .err()
            .map(|f| f.rule.as_str().to_owned()),
        Some("RID1.must-fail".to_owned())
    );
}

/// A time in whole milliseconds, a second after now (so after every
/// Identity's clock origin): windows built from it have exact edges.
fn whole_ms_soon() -> DateTime<Utc> {
    let t = Utc::now() + TimeDelta::seconds(1);
    t - TimeDelta::nanoseconds(t.timestamp_subsec_nanos().into())
}

#[test]
fn failures_show_the_expected_and_the_actual_answer_as_protocol_json() {
    let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
    assert_eq!(
        json(&error_json("c", "m \"quoted\"")),
        serde_json::json!({ "code": "c", "message": "m \"quoted\"" })
    );
    let kind = ErrorKind::NoActiveProcess;
    assert_eq!(
        expected_error_json(kind),
        error_json(kind.code(), kind.documented_message().unwrap())
    );
    assert_eq!(
        expected_error_json(ErrorKind::InvalidPropertyValue),
        format!(
            "{{\"code\":{:?},\"message\":<any non-empty message>}}",
            ErrorKind::InvalidPropertyValue.code()
        )
    );
    let wrong = ErrorKind::RecordNotFound.error();
    let failure = check_error("RID2", kind, &wrong).unwrap_err();
    assert_eq!(failure.expected, Some(expected_error_json(kind)));
    assert_eq!(
        failure.actual,
        Some(error_json(&wrong.code, &wrong.message))
    );
    assert_eq!(failure.observed.code.as_deref(), Some(&wrong.code));

    let a = dto(ID, "Active", whole_ms_soon(), Some(14));
    let b = dto("IDPbbbbbbbbbbbbbbbbb", "Cancelled", whole_ms_soon(), None);
    assert_eq!(Returned::One(a.clone()).to_json(), a.to_json());
    assert_eq!(
        Returned::Many(vec![a.clone(), b.clone()]).to_json(),
        format!("[{},{}]", a.to_json(), b.to_json())
    );
    assert_eq!(Returned::Many(Vec::new()).to_json(), "[]");

    // The events as the implementation published them.
    let (oracle, _, p) = initiated();
    let published = [StatusChangedEvent::carrying(&p)];
    let failure = oracle.check_events(0, &[], &published).unwrap_err();
    assert_eq!(
        json(failure.actual.as_deref().unwrap()),
        serde_json::json!([{ "name": STATUS_CHANGED_EVENT, "data": json(&p.to_json()) }])
    );
    assert_eq!(failure.expected.as_deref(), Some("no event"));
}

#[test]
fn model_time_follows_the_real_clock_between_calls() {
    // A grace period of 0 days has ended by the next millisecond: the model
    // counts real milliseconds between the calls' windows.
    let mut oracle = Oracle::new();
    let me = oracle.add_identity();
    let t0 = whole_ms_soon();
    assert_eq!(
        oracle.apply(me, &Call::Initiate(Some(0)), Window::exact(t0)),
        Expected::Process(0)
    );
    let mut same = oracle.clone();
    assert_eq!(
        same.apply(me, &Call::Cancel, Window::exact(t0)),
        Expected::Process(0)
    );
    assert_eq!(
        oracle.apply(
            me,
            &Call::Cancel,
            Window::exact(t0 + TimeDelta::milliseconds(10))
        ),
        Expected::Error(ErrorKind::GracePeriodExpired)
    );
    assert_eq!(
        oracle.model.identities[me].now_ns - same.model.identities[me].now_ns,
        10 * MS_NS
    );
}

#[test]
fn a_set_clock_moves_model_time_forward_and_never_back() {
    let mut oracle = Oracle::new();
    let me = oracle.add_identity();
    let t0 = whole_ms_soon();
    assert!(!oracle.clock_stopped(me));
    assert_eq!(oracle.clock_instant(me), None);
    oracle.stop_clock(me, Window::between(t0, t0 + TimeDelta::milliseconds(5)));
    assert!(oracle.clock_stopped(me));
    assert!(!oracle.clock_stopped(me + 1));
    // Stopped within a window: the instant is not known exactly.
    assert_eq!(oracle.clock_instant(me), None);
    let now = |o: &Oracle| o.model.identities[me].now_ns;
    let start = now(&oracle);
    assert!(start > 0, "the model counts from the Identity's origin");

    let set = t0 + TimeDelta::days(3);
    oracle.set_clock(me, set);
    assert_eq!(oracle.clock_instant(me), Some(set));
    assert_eq!(now(&oracle), start, "the first set only fixes the instant");

    oracle.set_clock(me, set + TimeDelta::days(2));
    assert_eq!(oracle.clock_instant(me), Some(set + TimeDelta::days(2)));
    assert_eq!(now(&oracle), start + 2 * DAY_NS);

    // Within the same millisecond: the model follows at full precision (an
    // implementation's clock may run at micro- or nanoseconds).
    let sub_ms = set + TimeDelta::days(2) + TimeDelta::nanoseconds(500_001);
    oracle.set_clock(me, sub_ms);
    assert_eq!(oracle.clock_instant(me), Some(sub_ms));
    assert_eq!(now(&oracle), start + 2 * DAY_NS + 500_001);

    // Back: the instant follows, model time does not.
    oracle.set_clock(me, set + TimeDelta::days(1));
    assert_eq!(oracle.clock_instant(me), Some(set + TimeDelta::days(1)));
    assert_eq!(now(&oracle), start + 2 * DAY_NS + 500_001);

    // An Identity the oracle does not know is left alone.
    oracle.set_clock(me + 1, set);
    oracle.stop_clock(me + 1, Window::exact(set));
    assert_eq!(oracle.identities(), 1);
    assert_eq!(oracle.clock_instant(me + 1), None);
}

#[test]
fn the_oracle_counts_identities_and_learns_each_ones_device() {
    let (mut oracle, window, p) = initiated();
    assert_eq!(oracle.identities(), 1);
    let other = oracle.add_identity();
    assert_eq!(oracle.identities(), 2);
    assert_eq!(oracle.device(0), None);
    oracle.check_process(0, 0, &p, "RID1").unwrap();
    assert_eq!(oracle.device(0), p.created_by_device.as_deref());
    assert_eq!(oracle.device(other), None);
    assert_eq!(oracle.device(7), None);
    oracle.apply(other, &Call::Initiate(None), window);
    let mut theirs = dto("IDPbbbbbbbbbbbbbbbbb", "Active", window.earliest, Some(14));
    theirs.created_by_device = Some("DVCbbbbbbbbbbbbbbbbb".into());
    oracle.check_process(other, 0, &theirs, "RID1").unwrap();
    assert_eq!(oracle.device(other), Some("DVCbbbbbbbbbbbbbbbbb"));
}

#[test]
fn with_waivers_passes_the_waived_rules_only() {
    let (oracle, window, p) = initiated();
    let mut waived = Oracle::with_waivers(Arc::new(Waivers::new(["RID1.status"])));
    let me = waived.add_identity();
    waived.apply(me, &Call::Initiate(None), window);
    let mut wrong = p.clone();
    wrong.status = "active".into();
    assert_eq!(waived.check_process(me, 0, &wrong, "RID1"), Ok(()));
    assert_eq!(waived.waivers.usage().get("RID1.status"), Some(&1));
    assert!(oracle.clone().check_process(0, 0, &wrong, "RID1").is_err());
    assert!(oracle.waivers.is_empty());
}

#[test]
fn a_malformed_id_is_the_input_class_of_the_last_call() {
    let (mut oracle, window, _) = initiated();
    assert_eq!(oracle.last_input(), None);
    let expected = oracle.apply(0, &Call::Get("IDP".into()), window);
    assert_eq!(expected, Expected::Error(ErrorKind::InvalidPropertyValue));
    assert_eq!(
        oracle.last_input(),
        Some(crate::verdict::InputClass::MalformedId)
    );
    let wrong = Err(CallError::Domain(ErrorKind::RecordNotFound.error()));
    let failure = oracle
        .check_answer(0, Function::Get, &expected, &wrong)
        .unwrap_err();
    assert_eq!(
        failure.observed.input,
        Some(crate::verdict::InputClass::MalformedId)
    );
    oracle.apply(0, &Call::GetActive, window);
    assert_eq!(oracle.last_input(), None);
}

#[test]
fn unknown_ids_skip_every_id_the_suite_saw() {
    let (mut oracle, _, _) = initiated();
    let seeded = |s| ProcessId::from_seed(s).as_str().to_owned();
    assert_eq!(oracle.unknown_id(5), seeded(5));
    oracle.bind(0, 0, &seeded(5));
    assert_eq!(oracle.owner_of(&seeded(5)), Some((0, 0)));
    assert_eq!(oracle.unknown_id(5), seeded(6));
}

#[test]
fn a_grace_period_failure_names_the_instant_it_expected() {
    let (mut oracle, _, p) = initiated();
    let mut short = p.clone();
    let created = crate::domain::parse_utc_timestamp(&p.created_at).unwrap();
    short.grace_period_ends_at = Some(format_timestamp(created + TimeDelta::days(13)));
    let failure = oracle
        .clone()
        .check_process(0, 0, &short, "RID1")
        .unwrap_err();
    assert_eq!(failure.rule.as_str(), "RID1.gracePeriodEndsAt");
    assert_eq!(
        failure.expected,
        Some(format!(
            "{:?}",
            format_timestamp(created + TimeDelta::days(14))
        ))
    );
    assert_eq!(
        failure.actual,
        Some(format!("{:?}", short.grace_period_ends_at.unwrap()))
    );
    assert_eq!(
        failure.summary,
        "`gracePeriodEndsAt` − `createdAt`: expected 14 days (1209600000 ms), got 13 days (1123200000 ms)"
    );

    // After a cancel the failure says why it must be absent.
    oracle.check_process(0, 0, &p, "RID1").unwrap();
    let later = Utc::now() + TimeDelta::seconds(3);
    oracle.apply(0, &Call::Cancel, Window::exact(later));
    let mut kept = p.clone();
    kept.status = "Cancelled".into();
    kept.cancelled_at = Some(format_timestamp(later));
    kept.cancelled_by_device = p.created_by_device.clone();
    let failure = oracle.check_process(0, 0, &kept, "RID2").unwrap_err();
    assert_eq!(failure.rule.as_str(), "RID2.gracePeriodEndsAt");
    assert!(failure.summary.contains("cancel removes it"), "{failure}");
}

#[test]
fn an_incomplete_list_failure_describes_the_identitys_processes() {
    let (mut oracle, window, p) = initiated();
    assert_eq!(oracle.describe_list(0), r#"[{"status":"Active"}]"#);
    oracle.check_process(0, 0, &p, "RID1").unwrap();
    assert_eq!(
        oracle.describe_list(0),
        format!(r#"[{{"id":"{ID}","status":"Active"}}]"#)
    );
    assert_eq!(oracle.describe_list(9), "[]");
    oracle.apply(0, &Call::GetAll, window);
    let failure = oracle.check_list(0, &[], "RID5").unwrap_err();
    assert_eq!(failure.rule.as_str(), "RID5.complete");
    assert_eq!(failure.expected, Some(oracle.describe_list(0)));
    assert_eq!(failure.actual.as_deref(), Some("[]"));
}

#[test]
fn clock_jumps_land_the_given_offset_from_the_next_switch_strictly_later() {
    use super::dst::{near_next_switch, next_switch_after};
    let at = |text: &str| crate::domain::parse_timestamp(text).unwrap();
    let berlin = at("2026-03-29T01:00:00Z");
    let lord_howe = at("2026-04-04T15:00:00Z");
    // A switch is not after itself.
    assert_eq!(next_switch_after(berlin), Some(lord_howe));
    let before = at("2026-03-28T00:00:00Z");
    assert_eq!(
        near_next_switch(before, 1_000),
        Some(berlin + TimeDelta::seconds(1))
    );
    assert_eq!(
        near_next_switch(before, -1_000),
        Some(berlin - TimeDelta::seconds(1))
    );
    // The instant would be `now` itself: taken from the next switch.
    let now = berlin - TimeDelta::seconds(1);
    assert_eq!(
        near_next_switch(now, -1_000),
        Some(lord_howe - TimeDelta::seconds(1))
    );
}

#[test]
fn a_burst_leaves_a_process_active_only_when_the_last_success_was_an_initiate() {
    use super::serial::BurstOutcome;
    let o = |initiated, cancelled| BurstOutcome {
        initiated,
        cancelled,
        ..BurstOutcome::default()
    };
    assert!(o(1, 0).active_after(false));
    assert!(!o(1, 1).active_after(false));
    assert!(!o(0, 0).active_after(false));
    assert!(o(0, 0).active_after(true));
    assert!(!o(0, 1).active_after(true));
    assert!(o(1, 1).active_after(true));
}

#[test]
fn refused_cancels_need_a_moment_without_an_active_process() {
    use super::serial::{BurstOutcome, explain};
    let o = |initiated, cancelled, cancel_refused| BurstOutcome {
        initiated,
        cancelled,
        cancel_refused,
        ..BurstOutcome::default()
    };
    // Nothing Active before: a refused cancel is explained.
    assert!(explain(false, o(0, 0, 1)).is_ok());
    assert!(explain(false, o(1, 0, 2)).is_ok());
    // Active before, and cancelled during the burst: explained too.
    assert!(explain(true, o(1, 1, 1)).is_ok());
    // Active before, nothing happened: nothing to explain.
    assert!(explain(true, o(0, 0, 0)).is_ok());
    // Active throughout: a refused cancel is not explained.
    assert!(explain(true, o(0, 0, 1)).is_err());
}

#[test]
fn a_pin_describes_what_it_states() {
    use crate::verdict::{InputClass, OutcomeClass};
    assert_eq!(Pin::rule("RID1.status").describe(), "");
    let pin = Pin {
        absent: true,
        code: vec!["error.runtime.recordNotFound".into()],
        input: Some(InputClass::MalformedId),
        outcome: vec![OutcomeClass::SeveralSucceeded],
        value: Some("Approved".into()),
        ..Pin::rule("RID3.recordNotFound")
    };
    assert_eq!(
        pin.describe(),
        r#"absent, code = "error.runtime.recordNotFound", input = "malformed-id", outcome = "several-succeeded", value = "Approved""#
    );
}

#[test]
fn waivers_name_the_rules_they_pin_whatever_the_pin_states() {
    let pinned = Pin {
        absent: true,
        ..Pin::rule("RID2.cancelledAt")
    };
    let waivers = Waivers::new([pinned]);
    assert!(waivers.names(&RuleId::new("RID2.cancelledAt")));
    assert!(!waivers.names(&RuleId::new("RID2.status")));
    assert!(!Waivers::default().names(&RuleId::new("RID2.cancelledAt")));
}

#[test]
fn a_waiver_list_is_empty_only_without_pins() {
    assert!(Waivers::default().is_empty());
    assert!(Waivers::new(Vec::<Pin>::new()).is_empty());
    assert!(!Waivers::new(["RID1.status"]).is_empty());
}

#[test]
fn a_window_says_whether_it_is_one_instant_or_a_span() {
    let at = |text: &str| crate::domain::parse_timestamp(text).unwrap();
    let t = at("2026-01-01T00:00:00.001Z");
    assert_eq!(
        Window::exact(t).to_string(),
        r#"exactly "2026-01-01T00:00:00.001Z""#
    );
    assert_eq!(
        Window::between(t, t + TimeDelta::milliseconds(2)).to_string(),
        r#"a timestamp from "2026-01-01T00:00:00.001Z" to "2026-01-01T00:00:00.003Z""#
    );
    let shifted =
        Window::between(t, t + TimeDelta::milliseconds(2)).shifted(TimeDelta::milliseconds(-1));
    assert_eq!(shifted.earliest, at("2026-01-01T00:00:00.000Z"));
    assert_eq!(shifted.latest, at("2026-01-01T00:00:00.002Z"));
}

#[test]
fn the_grace_period_ends_where_the_answer_says_within_the_tolerance() {
    // A clock of nanosecond precision, and a gracePeriodEndsAt 2.5 ms after
    // createdAt + 1 day (PROTOCOL.md allows up to 5 ms): cancelling is
    // allowed up to the returned end and refused after it, at full precision.
    let mut oracle = Oracle::new();
    let me = oracle.add_identity();
    let t0 = whole_ms_soon() + TimeDelta::nanoseconds(456_789);
    oracle.set_clock(me, t0);
    assert_eq!(oracle.clock_instant(me), Some(t0));
    assert_eq!(
        oracle.apply(me, &Call::Initiate(Some(1)), Window::exact(t0)),
        Expected::Process(0)
    );
    let late = TimeDelta::microseconds(2_500);
    let mut p = dto(ID, "Active", t0, Some(1));
    p.created_at = crate::domain::format_instant(t0);
    p.grace_period_ends_at = Some(crate::domain::format_instant(
        t0 + TimeDelta::days(1) + late,
    ));
    assert_eq!(oracle.check_process(me, 0, &p, "RID1"), Ok(()));
    assert_eq!(
        oracle.model.identities[me].processes[0].grace_end_ns,
        Some(oracle.model.identities[me].processes[0].created_ns + DAY_MS * MS_NS + 2_500_000)
    );

    // 2 ms after the nominal end: still inside the returned grace period.
    oracle.advance_clock(me, DAY_MS + 2);
    let mut inside = oracle.clone();
    let at = t0 + TimeDelta::days(1) + TimeDelta::milliseconds(2);
    assert_eq!(inside.clock_instant(me), Some(at));
    assert_eq!(
        inside.apply(me, &Call::Cancel, Window::exact(at)),
        Expected::Process(0)
    );
    // 3 ms after it: 0.5 ms past the returned end.
    oracle.advance_clock(me, 1);
    assert_eq!(
        oracle.apply(me, &Call::Cancel, Window::exact(at)),
        Expected::Error(ErrorKind::GracePeriodExpired)
    );

    // Beyond the tolerance the answer fails and the model keeps N days.
    let mut oracle = Oracle::new();
    let me = oracle.add_identity();
    oracle.set_clock(me, t0);
    oracle.apply(me, &Call::Initiate(Some(1)), Window::exact(t0));
    p.grace_period_ends_at = Some(crate::domain::format_instant(
        t0 + TimeDelta::days(1) + TimeDelta::milliseconds(5) + TimeDelta::nanoseconds(1),
    ));
    let failure = oracle.check_process(me, 0, &p, "RID1").unwrap_err();
    assert_eq!(failure.rule.as_str(), "RID1.gracePeriodEndsAt");
    assert_eq!(
        oracle.model.identities[me].processes[0].grace_end_ns,
        Some(oracle.model.identities[me].processes[0].created_ns + DAY_MS * MS_NS)
    );
}

#[test]
fn a_waived_fixed_grace_period_and_a_waived_late_cancel_are_adopted_by_the_model() {
    // runtime 5.3.0: every grace period is 14 days, whatever was asked, and
    // its Backbone lets a cancel through after the grace period.
    let pins = [
        Pin {
            value: Some("14 days".into()),
            ..Pin::rule("RID1.gracePeriodEndsAt")
        },
        Pin {
            refusal: Some(ErrorKind::GracePeriodExpired),
            ..Pin::rule("RID2.must-fail")
        },
    ];
    let waivers = Arc::new(Waivers::new(pins));
    let mut oracle = Oracle::with_waivers(waivers.clone());
    let me = oracle.add_identity();
    let t0 = whole_ms_soon();
    oracle.set_clock(me, t0);
    oracle.apply(me, &Call::Initiate(Some(1)), Window::exact(t0));
    let mut p = dto(ID, "Active", t0, Some(14));
    p.created_at = crate::domain::format_instant(t0);
    // The 14 days are observed, waived and counted; the model's grace period
    // now ends where the implementation's does.
    let answer = Ok(Returned::One(p.clone()));
    assert_eq!(
        oracle.check_answer(me, Function::Initiate, &Expected::Process(0), &answer),
        Ok(())
    );
    assert_eq!(waivers.usage()["RID1.gracePeriodEndsAt"], 1);
    oracle.advance_clock(me, 2 * DAY_MS);
    assert_eq!(
        oracle.clone().apply(me, &Call::Cancel, Window::exact(t0)),
        Expected::Process(0),
        "day 2 of 14: a cancel is allowed"
    );
    // Past the 14 days the model refuses; the implementation's success is
    // waived, and the model cancels as the implementation did.
    oracle.advance_clock(me, 13 * DAY_MS);
    let now = t0 + TimeDelta::days(15);
    let expected = oracle.apply(me, &Call::Cancel, Window::exact(now));
    assert_eq!(expected, Expected::Error(ErrorKind::GracePeriodExpired));
    let mut cancelled = p.clone();
    cancelled.status = "Cancelled".into();
    cancelled.grace_period_ends_at = None;
    cancelled.cancelled_at = Some(crate::domain::format_instant(now));
    cancelled.cancelled_by_device = Some("DVCaaaaaaaaaaaaaaaaa".into());
    oracle.bind(me, 0, ID);
    let answer = Ok(Returned::One(cancelled.clone()));
    assert_eq!(
        oracle.check_answer(me, Function::Cancel, &expected, &answer),
        Ok(())
    );
    assert_eq!(waivers.usage()["RID2.must-fail"], 1);
    assert_eq!(oracle.take_adopted(), Some(0));
    assert_eq!(oracle.take_adopted(), None, "taken once");
    assert_eq!(
        oracle.model.identities[me].processes[0].status,
        Status::Cancelled
    );
    assert_eq!(
        oracle.apply(me, &Call::Initiate(None), Window::exact(now)),
        Expected::Process(1),
        "nothing is Active any more"
    );

    // Without the waivers nothing is adopted: the model keeps 1 day and
    // refuses, and the success fails under RID2.must-fail.
    let mut strict = Oracle::new();
    let me = strict.add_identity();
    strict.set_clock(me, t0);
    strict.apply(me, &Call::Initiate(Some(1)), Window::exact(t0));
    let failure = strict.check_process(me, 0, &p, "RID1").unwrap_err();
    assert_eq!(
        failure.observed.value.as_deref().map(String::as_str),
        Some("14 days")
    );
    strict.advance_clock(me, 2 * DAY_MS);
    let expected = strict.apply(me, &Call::Cancel, Window::exact(t0));
    assert_eq!(expected, Expected::Error(ErrorKind::GracePeriodExpired));
    let failure = strict
        .check_answer(me, Function::Cancel, &expected, &answer)
        .unwrap_err();
    assert_eq!(failure.rule.as_str(), "RID2.must-fail");
    assert_eq!(
        failure.observed.refusal,
        Some(ErrorKind::GracePeriodExpired)
    );
    assert_eq!(strict.take_adopted(), None);
    assert_eq!(
        strict.model.identities[me].processes[0].status,
        Status::Active
    );
}
