//! Then steps: what the call under test must have done, judged against the
//! suite's oracle. Every answer the implementation gives here (also a read
//! back or a list) is one more answer to check, never the reference.

use super::world::{ConformanceWorld, LastCall, SCENARIO_IDENTITY};
use crate::adapter::CallError;
use crate::domain::{
    ErrorKind, Field, Function, IdentityDeletionProcess, ProcessId, Status, TIMESTAMP_RULE,
    format_duration, parse_utc_timestamp,
};
use crate::oracle::model::{DAY_MS as DAY_MS_I64, Expected};
use crate::oracle::{
    Call, Returned, check_error, check_fails_with, check_malformed, grace_period_matches,
};
use crate::verdict::{Failure, OutcomeClass, RuleId};
use crate::vocabulary::Refusal;

const ME: usize = SCENARIO_IDENTITY;

fn rule(last: &LastCall, aspect: &str) -> RuleId {
    RuleId::of(last.function.use_case(), aspect)
}

/// The process the last call returned; a failure when it failed or returned a list.
fn one(world: &mut ConformanceWorld, last: &LastCall) -> IdentityDeletionProcess {
    match &last.result {
        Ok(Returned::One(p)) => p.clone(),
        Ok(Returned::Many(list)) => world.fail(
            Failure::new(
                rule(last, "answer"),
                "the call returned a list, not one process",
            )
            .expected_actual("one process", Returned::Many(list.clone()).to_json()),
        ),
        Err(CallError::Domain(e)) => world.fail(must_succeed(last, "a process", e)),
        Err(CallError::Malformed(m)) => world.fail(check_malformed(last.function.use_case(), m)),
        Err(CallError::Adapter(e)) => world.errored("the call under test", e),
    }
}

/// The failure of a call that had to succeed and answered `e`.
fn must_succeed(last: &LastCall, wanted: &str, e: &crate::domain::DomainError) -> Failure {
    crate::oracle::must_succeed(
        last.function.use_case(),
        format!("{} failed; it must succeed", last.function),
        wanted,
        e,
    )
}

/// The list the last call returned; a failure otherwise.
fn list(world: &mut ConformanceWorld, last: &LastCall) -> Vec<IdentityDeletionProcess> {
    match &last.result {
        Ok(Returned::Many(list)) => list.clone(),
        Ok(Returned::One(p)) => world.fail(
            Failure::new(
                rule(last, "answer"),
                "the call returned one process, not a list",
            )
            .expected_actual("a list", p.to_json()),
        ),
        Err(CallError::Domain(e)) => world.fail(must_succeed(last, "a list", e)),
        Err(CallError::Malformed(m)) => world.fail(check_malformed(last.function.use_case(), m)),
        Err(CallError::Adapter(e)) => world.errored("the call under test", e),
    }
}

/// The index of the model process the last call acted on or returned.
fn acted_on(world: &mut ConformanceWorld, last: &LastCall) -> usize {
    match last.expected {
        Expected::Process(index) => index,
        _ => world.suite_error(format!(
            "the oracle expects {} to fail here, so no process was {}",
            last.function,
            if last.function == Function::Cancel {
                "cancelled"
            } else {
                "returned"
            }
        )),
    }
}

/// Checks the returned process against the oracle.
fn check_returned(world: &mut ConformanceWorld, last: &LastCall) -> IdentityDeletionProcess {
    let dto = one(world, last);
    let index = acted_on(world, last);
    let checked = world
        .oracle
        .check_process(last.identity, index, &dto, last.function.use_case());
    world.check(checked.map_err(|f| f.context("the returned process")));
    dto
}

/// Reads process `index` back with getIdentityDeletionProcess and checks it
/// against the oracle under the rules of the step's own use case.
async fn read_back(
    world: &mut ConformanceWorld,
    last: &LastCall,
    id: &str,
) -> IdentityDeletionProcess {
    let (result, expected, _) = world
        .call(
            last.identity,
            Call::Get(id.to_owned()),
            "reading the process back",
        )
        .await;
    let context = format!("reading the process back with {}", Function::Get);
    match (&expected, &result) {
        (Expected::Process(index), Ok(Returned::One(dto))) => {
            let checked =
                world
                    .oracle
                    .check_process(last.identity, *index, dto, last.function.use_case());
            world.check(checked.map_err(|f| f.context(&context)));
            dto.clone()
        }
        _ => {
            let checked =
                world
                    .oracle
                    .check_answer(last.identity, Function::Get, &expected, &result);
            world.check(checked.map_err(|f| f.context(&context)));
            world.suite_error(format!(
                "{context}: the process {id} is unknown to the oracle"
            ))
        }
    }
}

fn same(
    world: &mut ConformanceWorld,
    rule: RuleId,
    what: &str,
    expected: &IdentityDeletionProcess,
    actual: &IdentityDeletionProcess,
) {
    if !expected.same_as(actual) {
        world.fail(
            Failure::new(rule, format!("{what} differs from the returned process"))
                .expected_actual(expected.to_json(), actual.to_json()),
        );
    }
}

/// The rule a `status` of `expected` follows, whatever call returned it
/// (`RID1.status` for Active, `RID2.status` for Cancelled), as the oracle files it.
use crate::oracle::status_rule;

/// Fails the step under the status rule unless `dto` has `status`.
fn expect_status(
    world: &mut ConformanceWorld,
    _last: &LastCall,
    what: &str,
    dto: &IdentityDeletionProcess,
    status: Status,
) {
    if dto.status != status.as_str() {
        world.fail(
            Failure::new(status_rule(status), what)
                .value(&dto.status)
                .expected_actual(
                    format!("{:?}", status.as_str()),
                    format!("{:?}", dto.status),
                ),
        );
    }
}

/// RID1: a new process with `status` was created, and the Identity now has
/// exactly its earlier processes plus this one.
pub async fn creates(world: &mut ConformanceWorld, status: Status) {
    let last = world.last_call();
    let dto = check_returned(world, &last);
    expect_status(
        world,
        &last,
        "the created process has the wrong `status`",
        &dto,
        status,
    );
    let before = last.model_before.identities[ME].processes.len();
    if world.oracle.model.identities[ME].processes.len() != before + 1 {
        world.suite_error("the oracle did not create a process for this call");
    }
    world
        .check_all(ME, "listing the processes after the call")
        .await;
}

/// RID1/RID2: the call returned the process it initiated or cancelled, as stored.
pub async fn returns_changed(world: &mut ConformanceWorld, status: Status) {
    let last = world.last_call();
    let expected_function = match status {
        Status::Active => Function::Initiate,
        Status::Cancelled => Function::Cancel,
    };
    if last.function != expected_function {
        world.suite_error(format!(
            "the call under test is {}, not {expected_function}",
            last.function
        ));
    }
    let dto = check_returned(world, &last);
    let stored = read_back(world, &last, &dto.id).await;
    same(
        world,
        rule(&last, "stored"),
        "the stored process",
        &dto,
        &stored,
    );
}

/// RID2: the process that had `from` now has `to`, in the answer and in the store.
pub async fn changes_status(world: &mut ConformanceWorld, from: Status, to: Status) {
    let last = world.last_call();
    let index = acted_on(world, &last);
    let was = last.model_before.identities[ME]
        .processes
        .get(index)
        .map(|p| p.status);
    if was != Some(from) {
        world.suite_error(format!(
            "the oracle's process {} did not have {from} before the call",
            index + 1
        ));
    }
    let dto = check_returned(world, &last);
    expect_status(
        world,
        &last,
        "the returned process has the wrong `status`",
        &dto,
        to,
    );
    let stored = read_back(world, &last, &dto.id).await;
    expect_status(
        world,
        &last,
        "the stored process has the wrong `status`",
        &stored,
        to,
    );
}

/// RID2: `time` holds the instant of the cancel call and `device` the Device
/// that made it, in the answer and in the store.
pub async fn records_cancellation(world: &mut ConformanceWorld, time: Field, device: Field) {
    let last = world.last_call();
    if last.function != Function::Cancel {
        world.suite_error(format!(
            "the call under test is {}, not a cancellation",
            last.function
        ));
    }
    let index = acted_on(world, &last);
    let dto = one(world, &last);
    let stored = read_back(world, &last, &dto.id).await;
    let area = last.function.use_case();
    for (what, p) in [
        ("the returned process", &dto),
        ("the stored process", &stored),
    ] {
        for field in [time, device] {
            if field.value(p).is_none() {
                world.fail(
                    Failure::new(
                        RuleId::of(area, field.name()),
                        format!("`{field}` is not set on {what}"),
                    )
                    .absent()
                    .expected_actual(format!("`{field}` set"), p.to_json()),
                );
            }
            let checked = world.oracle.check_field(ME, index, field, p, area);
            world.check(checked.map_err(|f| f.context(what)));
        }
    }
}

/// RID2: `field` is absent from the answer and from the store.
pub async fn removes(world: &mut ConformanceWorld, field: Field) {
    let last = world.last_call();
    let dto = one(world, &last);
    let stored = read_back(world, &last, &dto.id).await;
    for (what, p) in [
        ("the returned process", &dto),
        ("the stored process", &stored),
    ] {
        if let Some(value) = field.value(p) {
            world.fail(
                Failure::new(
                    rule(&last, field.name()),
                    format!("`{field}` is still set on {what}"),
                )
                .present()
                .expected_actual(format!("no `{field}`"), format!("{value:?}")),
            );
        }
    }
}

/// RID3: the process with the requested id, exactly as the oracle knows it.
pub fn returns_by_id(world: &mut ConformanceWorld) {
    let last = world.last_call();
    let Some(id) = world.subject_id.clone() else {
        world.suite_error("no id was given")
    };
    let dto = check_returned(world, &last);
    if dto.id != id {
        world.fail(
            Failure::new(rule(&last, "id"), "the call returned another process")
                .expected_actual(format!("{id:?}"), format!("{:?}", dto.id)),
        );
    }
}

/// RID4: the Identity's one process with `status` (`Active` by default).
pub fn returns_with_status(world: &mut ConformanceWorld, status: Option<Status>) {
    let last = world.last_call();
    let status = status.unwrap_or(Status::Active);
    let with_status: Vec<usize> = last.model_before.identities[ME]
        .processes
        .iter()
        .enumerate()
        .filter(|(_, p)| p.status == status)
        .map(|(i, _)| i)
        .collect();
    let index = acted_on(world, &last);
    if with_status != [index] {
        world.suite_error(format!(
            "the oracle does not have exactly one process with status {status}"
        ));
    }
    let dto = check_returned(world, &last);
    expect_status(
        world,
        &last,
        "the returned process has the wrong `status`",
        &dto,
        status,
    );
}

/// RID5: every process of the Identity, each exactly once and as the oracle knows it, in creation order.
pub fn returns_every(world: &mut ConformanceWorld) {
    let last = world.last_call();
    let listed = list(world, &last);
    let area = last.function.use_case();
    let count = world.oracle.model.identities[ME].processes.len();
    let mut seen = vec![false; count];
    for dto in &listed {
        let index = match world.oracle.owner_of(&dto.id) {
            Some((owner, index)) if owner == ME => index,
            _ => world.fail(
                Failure::new(
                    RuleId::of(area, "complete"),
                    "the list holds a process that is not the Identity's",
                )
                .expected_actual(world.oracle.describe_list(ME), dto.to_json()),
            ),
        };
        if std::mem::replace(&mut seen[index], true) {
            world.fail(
                Failure::new(
                    RuleId::of(area, "complete"),
                    "the list holds a process twice",
                )
                .expected_actual(
                    world.oracle.describe_list(ME),
                    Returned::Many(listed.clone()).to_json(),
                ),
            );
        }
        let checked = world.oracle.check_process(ME, index, dto, area);
        world.check(checked);
    }
    if seen.iter().any(|s| !s) {
        world.fail(
            Failure::new(
                RuleId::of(area, "complete"),
                "the list misses processes of the Identity",
            )
            .expected_actual(
                world.oracle.describe_list(ME),
                Returned::Many(listed).to_json(),
            ),
        );
    }
    // A list of all of them is in creation order (docs/domain.md, Reading processes).
    returns_in_creation_order(world);
}

/// RID5: the list is in creation order.
pub fn returns_in_creation_order(world: &mut ConformanceWorld) {
    let last = world.last_call();
    let listed = list(world, &last);
    let expected: Vec<Option<String>> = (0..world.oracle.model.identities[ME].processes.len())
        .map(|i| world.oracle.id_of(ME, i).map(str::to_owned))
        .collect();
    let actual: Vec<Option<String>> = listed.iter().map(|p| Some(p.id.clone())).collect();
    if expected != actual {
        world.fail(
            Failure::new(rule(&last, "order"), "the list is not in creation order")
                .expected_actual(
                    world.oracle.describe_list(ME),
                    Returned::Many(listed).to_json(),
                ),
        );
    }
}

/// Every failure scenario: the call failed with the error the oracle expects.
pub fn call_fails(world: &mut ConformanceWorld) {
    let last = world.last_call();
    let Expected::Error(kind) = last.expected else {
        world.suite_error(format!(
            "the oracle expects {} to succeed in this scenario",
            last.function
        ))
    };
    let checked = check_fails_with(last.function.use_case(), kind, &last.result);
    world.check(checked);
}

/// The consequence of a failure bullet: the call returned nothing, and
/// (initiated, cancelled) the Identity's processes are unchanged.
pub async fn no_process_can_be(world: &mut ConformanceWorld, refusal: Refusal) {
    let last = world.last_call();
    if let Ok(returned) = &last.result {
        let failure = Failure::new(
            rule(&last, "must-fail"),
            format!("a process was {}", refusal.verb()),
        )
        .expected_actual("no process", returned.to_json());
        // The refusal that was due, as the oracle records it (`refusal = "…"`).
        world.fail(match last.expected {
            Expected::Error(kind) => failure.refusal(kind),
            _ => failure,
        });
    }
    match refusal {
        Refusal::Initiated | Refusal::Cancelled => {
            if world.oracle.model.identities[ME].processes
                != last.model_before.identities[ME].processes
            {
                world.suite_error("the oracle changed the Identity although the call must fail");
            }
            world
                .check_all(ME, "listing the processes after the refused call")
                .await;
        }
        Refusal::Returned => {}
    }
}

/// The call succeeded.
pub fn call_succeeds(world: &mut ConformanceWorld) {
    let last = world.last_call();
    if let Err(CallError::Domain(e)) = &last.result {
        world.fail(must_succeed(&last, "a successful answer", e));
    }
}

/// The call failed with `kind` and its documented message.
pub fn call_fails_with(world: &mut ConformanceWorld, kind: ErrorKind) {
    let last = world.last_call();
    if last.expected != Expected::Error(kind) {
        world.suite_error(format!(
            "the oracle expects {:?} of {}, the scenario says {}",
            last.expected,
            last.function,
            kind.code()
        ));
    }
    let checked = check_fails_with(last.function.use_case(), kind, &last.result);
    world.check(checked);
}

/// The returned process has `status`.
pub fn returned_has_status(world: &mut ConformanceWorld, status: Status) {
    let last = world.last_call();
    let dto = one(world, &last);
    expect_status(
        world,
        &last,
        "the returned process has the wrong `status`",
        &dto,
        status,
    );
}

/// `gracePeriodEndsAt` − `createdAt` is exactly `days` × 24 h.
pub fn grace_period_lasts(world: &mut ConformanceWorld, days: u32) {
    let last = world.last_call();
    let dto = one(world, &last);
    let mut at = |field: Field| {
        let text = field.value(&dto).unwrap_or_default().to_owned();
        match parse_utc_timestamp(&text) {
            Ok(t) => t,
            Err(e) => world.fail(
                Failure::new(RuleId::new("DTO.timestamp-utc"), format!("`{field}`: {e}"))
                    .expected_actual(TIMESTAMP_RULE, dto.to_json()),
            ),
        }
    };
    let (created, ends) = (at(Field::CreatedAt), at(Field::GracePeriodEndsAt));
    let length = ends - created;
    let expected = i64::from(days) * DAY_MS_I64;
    if !grace_period_matches(length, expected) {
        // Both lengths through the one formatter: `expected 14 days (1209600000
        // ms), got 15 days (1296000000 ms)`.
        let mut failure = Failure::new(
            RuleId::of(Function::Initiate.use_case(), "gracePeriodEndsAt"),
            format!(
                "`gracePeriodEndsAt` − `createdAt`: expected {}, got {}",
                format_duration(chrono::TimeDelta::milliseconds(expected)),
                format_duration(length)
            ),
        );
        failure.actual = Some(dto.to_json());
        if let Some(value) = crate::oracle::grace_length_value(length) {
            failure = failure.value(&value);
        }
        world.fail(failure);
    }
}

/// A field is set to the value the oracle expects, or absent.
pub fn field_presence(world: &mut ConformanceWorld, field: Field, set: bool) {
    let last = world.last_call();
    let dto = one(world, &last);
    // Filed under the use case whose rule the field follows, as the oracle does.
    let area = crate::oracle::field_area(field, dto.status == Status::Cancelled.as_str());
    match (set, field.value(&dto)) {
        (true, None) => world.fail(
            Failure::new(
                RuleId::of(area, field.name()),
                format!("`{field}` is not set"),
            )
            .absent()
            .expected_actual(format!("`{field}` set"), dto.to_json()),
        ),
        (false, Some(value)) => world.fail(
            Failure::new(RuleId::of(area, field.name()), format!("`{field}` is set"))
                .expected_actual(format!("no `{field}`"), format!("{value:?}")),
        ),
        (true, Some(_)) => {
            let index = acted_on(world, &last);
            let checked = world
                .oracle
                .check_field(last.identity, index, field, &dto, area);
            world.check(checked);
        }
        (false, None) => {}
    }
}

/// The id is `IDP` and 17 ASCII letters or digits.
pub fn id_format(world: &mut ConformanceWorld) {
    let last = world.last_call();
    let dto = one(world, &last);
    if let Err(e) = ProcessId::parse(&dto.id) {
        world.fail(
            Failure::new(RuleId::new("DTO.id-format"), e.to_string()).expected_actual(
                "`IDP` followed by 17 ASCII letters or digits",
                format!("{:?}", dto.id),
            ),
        );
    }
}

/// `createdAt` and `field` follow the timestamp rule.
pub fn timestamps_utc(world: &mut ConformanceWorld, field: Field) {
    let last = world.last_call();
    let dto = one(world, &last);
    for field in [Field::CreatedAt, field] {
        let text = field.value(&dto).map(str::to_owned);
        let Some(text) = text else {
            let owner = crate::oracle::field_area(field, dto.status == Status::Cancelled.as_str());
            world.fail(
                Failure::new(
                    RuleId::of(owner, field.name()),
                    format!("`{field}` is not set"),
                )
                .absent()
                .expected_actual(format!("`{field}` set"), dto.to_json()),
            )
        };
        if let Err(e) = parse_utc_timestamp(&text) {
            world.fail(
                Failure::new(RuleId::new("DTO.timestamp-utc"), format!("`{field}`: {e}"))
                    .expected_actual(TIMESTAMP_RULE, format!("{text:?}")),
            );
        }
    }
}

/// getIdentityDeletionProcess with the returned id gives the same process.
pub async fn get_returns_same(world: &mut ConformanceWorld) {
    let last = world.last_call();
    let dto = one(world, &last);
    let call = Call::Get(dto.id.clone());
    reads_the_same(
        world,
        &dto,
        call,
        "getIdentityDeletionProcess with the returned id",
    )
    .await;
}

/// getActiveIdentityDeletionProcess gives the same process.
pub async fn get_active_returns_same(world: &mut ConformanceWorld) {
    let last = world.last_call();
    let dto = one(world, &last);
    reads_the_same(
        world,
        &dto,
        Call::GetActive,
        "getActiveIdentityDeletionProcess",
    )
    .await;
}

/// Reads with `call`: the answer must be what the oracle expects, and equal to `dto`.
async fn reads_the_same(
    world: &mut ConformanceWorld,
    dto: &IdentityDeletionProcess,
    call: Call,
    what: &str,
) {
    let function = call.function();
    let (result, expected, _) = world.call(ME, call, "reading the process back").await;
    let checked = world.oracle.check_answer(ME, function, &expected, &result);
    world.check(checked.map_err(|f| f.context(what)));
    if let Ok(Returned::One(got)) = &result {
        same(
            world,
            RuleId::of(function.use_case(), "same"),
            &format!("{function}'s answer"),
            dto,
            got,
        );
    }
}

/// The returned list is empty.
pub fn list_empty(world: &mut ConformanceWorld) {
    let last = world.last_call();
    if !last.model_before.identities[ME].processes.is_empty() {
        world.suite_error("the oracle's Identity has processes; the list cannot be empty");
    }
    let listed = list(world, &last);
    if !listed.is_empty() {
        world.fail(
            Failure::new(rule(&last, "complete"), "the list is not empty")
                .expected_actual("[]", Returned::Many(listed).to_json()),
        );
    }
}

/// The list's statuses, in order.
pub fn list_statuses(world: &mut ConformanceWorld, statuses: &[Status]) {
    let last = world.last_call();
    let model: Vec<Status> = last.model_before.identities[ME]
        .processes
        .iter()
        .map(|p| p.status)
        .collect();
    if model != statuses {
        world.suite_error(format!(
            "the oracle's statuses are {model:?}, the scenario says {statuses:?}"
        ));
    }
    let listed = list(world, &last);
    let sent: Vec<&str> = listed.iter().map(|p| p.status.as_str()).collect();
    // Each status as the suite reads it: a value the waivers rename (a
    // status rule's `value` pin) reads as its status, so the order and the
    // completeness are still judged; the rename itself fails (waived) below.
    let waivers = world.oracle.waivers.clone();
    let got: Vec<&str> = sent
        .iter()
        .map(|value| {
            [Status::Active, Status::Cancelled]
                .into_iter()
                .find(|status| waivers.reads_as(value, *status))
                .map_or(*value, |status| status.as_str())
        })
        .collect();
    let want: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    if got == want
        && let Some((status, value)) = statuses.iter().zip(&sent).find(|(s, v)| s.as_str() != **v)
    {
        world.fail(
            Failure::new(status_rule(*status), "the list's statuses differ")
                .value(value)
                .expected_actual(format!("{want:?}"), Returned::Many(listed).to_json()),
        );
    }
    if got != want {
        // The same statuses in another order: the order rule; another length:
        // incomplete; else the first entry that differs names the status rule.
        let (mut got_sorted, mut want_sorted) = (got.clone(), want.clone());
        got_sorted.sort_unstable();
        want_sorted.sort_unstable();
        let mut wrong_value = None;
        let rule = if got.len() != want.len() {
            rule(&last, "complete")
        } else if got_sorted == want_sorted {
            rule(&last, "order")
        } else {
            match statuses
                .iter()
                .zip(&got)
                .position(|(want, got)| want.as_str() != *got)
            {
                Some(at) => {
                    wrong_value = Some(sent[at]);
                    status_rule(statuses[at])
                }
                None => rule(&last, "complete"),
            }
        };
        let failure = Failure::new(rule, "the list's statuses differ");
        let failure = match wrong_value {
            Some(value) => failure.value(value),
            None => failure,
        };
        world.fail(failure.expected_actual(format!("{want:?}"), Returned::Many(listed).to_json()));
    }
}

/// The concurrent calls; a call that answered with a malformed process ends
/// the step under that answer's rule (it neither won nor lost cleanly).
fn burst(world: &mut ConformanceWorld) -> super::world::Burst {
    let burst = match &world.burst {
        Some(burst) => burst.clone(),
        None => world.suite_error("no concurrent calls were made"),
    };
    if let Some(m) = burst.results.iter().find_map(|r| match r {
        Err(CallError::Malformed(m)) => Some(m),
        _ => None,
    }) {
        world.fail(check_malformed(burst.function.use_case(), m).context("a concurrent call"));
    }
    burst
}

/// Exactly one of the concurrent calls succeeded, with the process the oracle expects.
pub fn exactly_one_succeeds(world: &mut ConformanceWorld) {
    let burst = burst(world);
    let winners: Vec<&IdentityDeletionProcess> = burst
        .results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .collect();
    if winners.len() != 1 {
        let failure = Failure::new(
            RuleId::of(burst.function.use_case(), "concurrent-one-winner"),
            format!(
                "{} of {} concurrent calls succeeded",
                winners.len(),
                burst.results.len()
            ),
        )
        .expected_actual("exactly 1", format!("{}", winners.len()))
        .outcome(OutcomeClass::of_winners(winners.len()));
        world.fail(failure);
    }
    let Expected::Process(index) = burst.expected else {
        world.suite_error("the oracle expects no call to win")
    };
    let winner = winners[0].clone();
    let checked = world
        .oracle
        .check_process(ME, index, &winner, burst.function.use_case());
    world.check(checked.map_err(|f| f.context("the winning call")));
}

/// Every other concurrent call failed with `kind`.
pub fn others_fail_with(world: &mut ConformanceWorld, kind: ErrorKind) {
    let burst = burst(world);
    let losers: Vec<&crate::domain::DomainError> = burst
        .results
        .iter()
        .filter_map(|r| match r {
            Err(CallError::Domain(e)) => Some(e),
            _ => None,
        })
        .collect();
    if losers.len() + 1 != burst.results.len() || losers.is_empty() {
        world.fail(
            Failure::new(
                RuleId::of(burst.function.use_case(), "concurrent-losers"),
                format!(
                    "{} of {} concurrent calls failed",
                    losers.len(),
                    burst.results.len()
                ),
            )
            .expected_actual(
                format!("{}", burst.results.len().saturating_sub(1)),
                format!("{}", losers.len()),
            )
            .outcome(OutcomeClass::of_winners(burst.results.len() - losers.len())),
        );
    }
    for loser in losers {
        let area = burst.function.use_case();
        let checked = check_error(area, kind, loser);
        world.check(checked.map_err(|f| Failure {
            rule: RuleId::of(area, "concurrent-loser-code"),
            ..f
        }));
    }
}

/// The Identity has exactly one Active process, and otherwise what the oracle knows.
pub async fn exactly_one_active(world: &mut ConformanceWorld) {
    let (result, _, _) = world.call(ME, Call::GetAll, "listing the processes").await;
    if let Ok(Returned::Many(list)) = &result {
        let active = list
            .iter()
            .filter(|p| world.oracle.waivers.reads_as(&p.status, Status::Active))
            .count();
        if active != 1 {
            world.fail(
                Failure::new(
                    RuleId::new("INVARIANT.one-active"),
                    format!("the Identity has {active} Active processes"),
                )
                .expected_actual("exactly 1", Returned::Many(list.clone()).to_json()),
            );
        }
    }
    let checked = world
        .oracle
        .check_answer(ME, Function::GetAll, &Expected::All, &result);
    world.check(checked.map_err(|f| f.context("listing the processes")));
}

async fn events(world: &mut ConformanceWorld) -> Vec<crate::adapter::StatusChangedEvent> {
    if let Some(events) = &world.events {
        return events.clone();
    }
    let events = world.take_events(ME).await;
    world.events = Some(events.clone());
    events
}

/// Exactly one status-changed event was published by the call, carrying the returned process.
pub async fn event_carries_returned(world: &mut ConformanceWorld) {
    let last = world.last_call();
    let dto = one(world, &last);
    let events = events(world).await;
    let checked = world.oracle.check_events(ME, &[dto], &events);
    world.check(checked);
}

/// The call published no status-changed event.
pub async fn no_event(world: &mut ConformanceWorld) {
    let events = events(world).await;
    let checked = world.oracle.check_events(ME, &[], &events);
    world.check(checked);
}

/// The other Identity's events are exactly those of its own status changes
/// since its events were last read: none leaked in from the scenario's
/// Identity, none vanished when the scenario's Identity's were taken.
pub async fn other_identity_events(world: &mut ConformanceWorld) {
    const OTHER: usize = 1;
    if world.oracle.identities() < 2 {
        world.suite_error("the scenario has no other Identity");
    }
    let events = world.take_events(OTHER).await;
    let changes = world.take_changes(OTHER);
    let checked = world.oracle.check_events(OTHER, &changes, &events);
    world.check(checked.map_err(|f| f.context("the other Identity's events")));
}

/// A Device field of the returned process names the Identity's Device number `number`.
pub fn field_is_device(world: &mut ConformanceWorld, field: Field, number: usize) {
    let last = world.last_call();
    let dto = one(world, &last);
    let index = acted_on(world, &last);
    let area = crate::oracle::field_area(field, dto.status == Status::Cancelled.as_str());
    let Some(value) = field.value(&dto).map(str::to_owned) else {
        world.fail(
            Failure::new(
                RuleId::of(area, field.name()),
                format!("`{field}` is not set"),
            )
            .absent()
            .expected_actual(format!("Device {number}"), dto.to_json()),
        )
    };
    // The oracle checks it is the Device that made the call …
    let checked = world.oracle.check_field(ME, index, field, &dto, area);
    world.check(checked);
    // … and the scenario says which Device that is.
    let expected = match world.device(number) {
        Some(device) => device,
        None => match world.oracle.device(ME) {
            Some(first) => first.to_owned(),
            None => world.suite_error("the Identity's first Device is not known yet"),
        },
    };
    if value != expected {
        world.fail(
            Failure::new(
                RuleId::of(area, field.name()),
                format!("`{field}` is not Device {number}"),
            )
            .expected_actual(format!("{expected:?}"), format!("{value:?}")),
        );
    }
}

/// A timestamp field of the returned process is exactly `instant`.
pub fn field_is_instant(world: &mut ConformanceWorld, field: Field, instant: &str) {
    let last = world.last_call();
    let dto = one(world, &last);
    let area = crate::oracle::field_area(field, dto.status == Status::Cancelled.as_str());
    let expected = parse_utc_timestamp(instant).ok();
    let actual = field.value(&dto).and_then(|v| parse_utc_timestamp(v).ok());
    let matches = match (expected, actual) {
        // `createdAt` + N days, or up to 5 ms later (PROTOCOL.md).
        (Some(e), Some(a)) if field == Field::GracePeriodEndsAt => grace_period_matches(a - e, 0),
        (Some(e), Some(a)) => a == e,
        _ => false,
    };
    if !matches {
        let failure = Failure::new(
            RuleId::of(area, field.name()),
            format!("`{field}` is not {instant}"),
        )
        .expected_actual(format!("{instant:?}"), dto.to_json());
        let failure = match (field, expected, actual) {
            (_, _, None) if field.value(&dto).is_none() => failure.absent(),
            // The grace period the process got (`value = "14 days"`, as the
            // oracle records it).
            (Field::GracePeriodEndsAt, _, Some(a)) => {
                match parse_utc_timestamp(&dto.created_at)
                    .ok()
                    .and_then(|created| crate::oracle::grace_length_value(a - created))
                {
                    Some(value) => failure.value(&value),
                    None => failure,
                }
            }
            _ => failure,
        };
        world.fail(failure);
    }
}

/// The returned list has exactly `n` entries.
pub fn list_has_entries(world: &mut ConformanceWorld, n: usize) {
    let last = world.last_call();
    if last.model_before.identities[ME].processes.len() != n {
        world.suite_error(format!(
            "the oracle's Identity has {} processes, the scenario says {n}",
            last.model_before.identities[ME].processes.len()
        ));
    }
    let listed = list(world, &last);
    if listed.len() != n {
        world.fail(
            Failure::new(
                rule(&last, "complete"),
                format!("the list has {} entries", listed.len()),
            )
            .expected_actual(format!("{n} entries"), Returned::Many(listed).to_json()),
        );
    }
}

/// The other Identity's processes are exactly as the oracle knows them.
pub async fn other_identity_unchanged(world: &mut ConformanceWorld) {
    if world.oracle.identities() < 2 {
        world.suite_error("the scenario has no other Identity");
    }
    world
        .check_all(1, "listing the other Identity's processes")
        .await;
}

/// Some serial order of the burst's calls explains every answer and the final state.
pub async fn burst_serializable(world: &mut ConformanceWorld) {
    let Some((outcome, was_active, before)) = world.mixed_burst else {
        world.suite_error("no alternating burst was made")
    };
    // Answers no serial order explains leave no state to judge: the step ends
    // with them, waived or not.
    if let Err(failure) = crate::oracle::serial::check_answers(was_active, outcome) {
        world.fail(failure);
    }
    let adapter = world.adapter();
    let handle = world.handle(ME);
    let all = match adapter.get_all(&handle).await {
        Ok(all) => all,
        Err(CallError::Adapter(e)) => world.errored("listing the processes after the burst", &e),
        Err(CallError::Malformed(m)) => world.fail(check_malformed("RID5", &m)),
        Err(CallError::Domain(e)) => world.fail(crate::oracle::must_succeed(
            "RID5",
            "getIdentityDeletionProcesses failed",
            "a list",
            &e,
        )),
    };
    let active = all
        .iter()
        .filter(|p| world.oracle.waivers.reads_as(&p.status, Status::Active))
        .count();
    world.check(crate::oracle::serial::check_state_after(
        was_active,
        outcome,
        before,
        all.len(),
        active,
    ));
}
