//! Then steps: what the call under test must have done.

use super::expect::expected_error;
use super::world::{ConformanceWorld, Returned, errored};
use crate::adapter::CallError;
use crate::domain::{ErrorKind, IdentityDeletionProcess, ProcessId, Status, parse_timestamp};
use chrono::TimeDelta;
use cucumber::then;

fn status(name: &str) -> Status {
    Status::parse(name)
        .unwrap_or_else(|| panic!("`{name}` is not a status of an IdentityDeletionProcess"))
}

/// Reads the process with `id` back through RID3.
async fn read_back(world: &ConformanceWorld, id: &str) -> IdentityDeletionProcess {
    let adapter = world.adapter();
    match adapter.get(&world.identity(), id).await {
        Ok(p) => p,
        Err(CallError::Adapter(e)) => errored("reading the process back", &e),
        Err(CallError::Domain(e)) => panic!("getIdentityDeletionProcess({id}) failed with {e}"),
    }
}

fn timestamp(p: &IdentityDeletionProcess, field: &str) -> chrono::DateTime<chrono::Utc> {
    let text = p.field(field).unwrap_or_else(|e| panic!("{e}"));
    let Some(text) = text else {
        panic!("`{field}` is not set on {}", p.id)
    };
    parse_timestamp(text)
        .unwrap_or_else(|| panic!("`{field}` of {} is not an ISO-8601 timestamp: {text}", p.id))
}

/// Checks that `field` holds a value of the right shape on `p`.
fn check_recorded(p: &IdentityDeletionProcess, field: &str) {
    let value = p.field(field).unwrap_or_else(|e| panic!("{e}"));
    let Some(value) = value else {
        panic!("`{field}` is not set on {}: {p:?}", p.id)
    };
    if field.ends_with("At") {
        let at = timestamp(p, field);
        let created = timestamp(p, "createdAt");
        assert!(
            at >= created,
            "`{field}` ({value}) is before `createdAt` ({})",
            p.created_at
        );
    } else if field.ends_with("ByDevice") {
        assert!(
            value.starts_with("DVC"),
            "`{field}` ({value}) is not a Device id (DVC...)"
        );
        assert_eq!(
            value, p.created_by_device,
            "`{field}` is not the Identity's Device that initiated the process"
        );
    }
}

/// RID1: the call created a new process with the given status.
#[then(regex = r"^Creates an IdentityDeletionProcess with `.(\w+).` as `status`\.?$")]
async fn creates(world: &mut ConformanceWorld, expected: String) {
    let expected = status(&expected);
    let created = world.returned_one().clone();
    assert_eq!(
        created.status,
        expected.as_str(),
        "the created process has the wrong status"
    );
    let before = world.last_call().before.clone();
    assert!(
        !before.iter().any(|p| p.id == created.id),
        "the returned process {} existed before the call",
        created.id
    );
    let after = world
        .all_processes("listing the processes after the call")
        .await;
    let mut expected_after = before;
    expected_after.push(created);
    assert_eq!(
        after, expected_after,
        "getIdentityDeletionProcesses does not show exactly one new process"
    );
}

/// RID1/RID2: the call returned the process it initiated or cancelled, as stored.
#[then(regex = r"^Returns the (initiated|cancelled) IdentityDeletionProcess\.?$")]
async fn returns_changed(world: &mut ConformanceWorld, verb: String) {
    let returned = world.returned_one().clone();
    let before = world.last_call().before.clone();
    let expected_status = if verb == "initiated" {
        Status::Active
    } else {
        Status::Cancelled
    };
    assert_eq!(
        returned.status,
        expected_status.as_str(),
        "the {verb} process has the wrong status"
    );
    match expected_status {
        Status::Active => assert!(
            !before.iter().any(|p| p.id == returned.id),
            "an existing process was returned"
        ),
        Status::Cancelled => assert!(
            before
                .iter()
                .any(|p| p.id == returned.id && p.status == Status::Active.as_str()),
            "the returned process {} was not the Active one",
            returned.id
        ),
    }
    assert_eq!(
        read_back(world, &returned.id).await,
        returned,
        "the returned process differs from the stored one"
    );
}

/// RID2: the status of the process changed.
#[then(
    regex = r"^Changes the `status` of the IdentityDeletionProcess from `.(\w+).` to `.(\w+).`\.?$"
)]
async fn changes_status(world: &mut ConformanceWorld, from: String, to: String) {
    let (from, to) = (status(&from), status(&to));
    let before = world.last_call().before.clone();
    let was: Vec<&IdentityDeletionProcess> = before
        .iter()
        .filter(|p| p.status == from.as_str())
        .collect();
    let [was] = was.as_slice() else {
        panic!(
            "expected exactly one process with status {from} before the call, found {}",
            was.len()
        )
    };
    let returned = world.returned_one().clone();
    assert_eq!(returned.id, was.id, "the call changed another process");
    assert_eq!(
        returned.status,
        to.as_str(),
        "the returned process has the wrong status"
    );
    assert_eq!(
        read_back(world, &was.id).await.status,
        to.as_str(),
        "the stored process has the wrong status"
    );
}

/// RID2: fields recorded by the call.
#[then(regex = r"^Records .+? in `(\w+)`(?: and .+? in `(\w+)`)?\.?$")]
async fn records(world: &mut ConformanceWorld, first: String, second: String) {
    let returned = world.returned_one().clone();
    let stored = read_back(world, &returned.id).await;
    for field in [first, second].iter().filter(|f| !f.is_empty()) {
        check_recorded(&returned, field);
        check_recorded(&stored, field);
    }
}

/// RID2: a field removed by the call.
#[then(regex = r"^Removes `(\w+)` from the IdentityDeletionProcess\.?$")]
async fn removes(world: &mut ConformanceWorld, field: String) {
    let returned = world.returned_one().clone();
    let stored = read_back(world, &returned.id).await;
    for p in [&returned, &stored] {
        let value = p.field(&field).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            value.is_none(),
            "`{field}` is still set on {}: {value:?}",
            p.id
        );
    }
}

/// RID3: the process with the requested id, exactly as stored.
#[then(
    regex = r"^Returns the IdentityDeletionProcess (?:with the given `id`|corresponding to the (?:given|provided) `id`)\.?$"
)]
async fn returns_by_id(world: &mut ConformanceWorld) {
    let returned = world.returned_one().clone();
    let Some(id) = world.subject_id.clone() else {
        panic!("no id was given")
    };
    assert_eq!(returned.id, id, "the call returned another process");
    let expected = world.known.iter().find(|p| p.id == id).cloned();
    assert_eq!(
        Some(returned),
        expected,
        "the returned process differs from what the implementation returned before"
    );
}

/// RID4: the process with the given status (or "the active" one).
#[then(
    regex = r"^Returns the (?:active IdentityDeletionProcess|IdentityDeletionProcess of the Identity that has `.(\w+).` as `status`)\.?$"
)]
async fn returns_with_status(world: &mut ConformanceWorld, expected: String) {
    // "Returns the active IdentityDeletionProcess" names no status: it is `Active`.
    let expected = if expected.is_empty() {
        Status::Active
    } else {
        status(&expected)
    };
    let returned = world.returned_one().clone();
    assert_eq!(
        returned.status,
        expected.as_str(),
        "the returned process has the wrong status"
    );
    let before = world.last_call().before.clone();
    let matching: Vec<&IdentityDeletionProcess> = before
        .iter()
        .filter(|p| p.status == expected.as_str())
        .collect();
    assert_eq!(
        matching,
        vec![&returned],
        "the returned process is not the Identity's one with status {expected}"
    );
}

/// RID5: every process, whatever its status.
#[then(
    regex = r"^Returns (?:every IdentityDeletionProcess of the Identity, whatever its `status`|a list with all IdentityDeletionProcesses of (?:your|the) Identity)\.?$"
)]
async fn returns_every(world: &mut ConformanceWorld) {
    let list = world.returned_list().to_vec();
    let mut returned: Vec<&str> = list.iter().map(|p| p.id.as_str()).collect();
    let mut known: Vec<&str> = world.known.iter().map(|p| p.id.as_str()).collect();
    returned.sort_unstable();
    known.sort_unstable();
    assert_eq!(
        returned, known,
        "the list does not hold exactly the Identity's processes"
    );
    for p in &list {
        let known = world.known.iter().find(|k| k.id == p.id);
        assert_eq!(
            Some(p),
            known,
            "a listed process differs from what the implementation returned before"
        );
    }
}

/// RID5: creation order.
#[then(
    regex = r"^Returns the IdentityDeletionProcesses in the order in which they were created\.?$"
)]
async fn returns_in_creation_order(world: &mut ConformanceWorld) {
    let list = world.returned_list().to_vec();
    let returned: Vec<&str> = list.iter().map(|p| p.id.as_str()).collect();
    let created: Vec<&str> = world.known.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(returned, created, "the list is not in creation order");
    let times: Vec<_> = list.iter().map(|p| timestamp(p, "createdAt")).collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "`createdAt` decreases along the list"
    );
}

/// Every failure scenario: the call failed with the error its condition calls for.
#[then(regex = r"^the call fails$")]
async fn call_fails(world: &mut ConformanceWorld) {
    let last = world.last_call();
    let Some(condition) = world.condition else {
        panic!("no Given step set up a failure condition for this scenario")
    };
    let Some(kind) = expected_error(last.function, condition) else {
        panic!(
            "{} is not expected to fail under {condition:?}",
            last.function.name()
        )
    };
    assert_error(&last.result, kind);
}

fn assert_error(result: &Result<Returned, CallError>, kind: ErrorKind) {
    match result {
        Ok(returned) => panic!(
            "expected the call to fail with {}, it succeeded: {returned:?}",
            kind.code()
        ),
        Err(CallError::Adapter(e)) => errored("the call under test", e),
        Err(CallError::Domain(e)) => {
            assert_eq!(
                e.code,
                kind.code(),
                "wrong error code (message: {})",
                e.message
            );
            match kind.documented_message() {
                Some(message) => assert_eq!(e.message, message, "right code, wrong message"),
                None => assert!(
                    !e.message.trim().is_empty(),
                    "the error has an empty message"
                ),
            }
        }
    }
}

/// Failure scenarios: nothing changed.
#[then(regex = r"^No IdentityDeletionProcess can be (initiated|cancelled|returned)\.?$")]
async fn nothing_changed(world: &mut ConformanceWorld, _verb: String) {
    let last = world.last_call().clone();
    assert!(
        last.result.is_err(),
        "the call returned something: {:?}",
        last.result
    );
    let after = world
        .all_processes("listing the processes after the call")
        .await;
    assert_eq!(
        after, last.before,
        "the failed call changed the Identity's processes"
    );
}

/// The call succeeded.
#[then(regex = r"^the call succeeds$")]
async fn call_succeeds(world: &mut ConformanceWorld) {
    match &world.last_call().result {
        Ok(_) => {}
        Err(CallError::Adapter(e)) => errored("the call under test", e),
        Err(CallError::Domain(e)) => panic!("expected the call to succeed, it failed with {e}"),
    }
}

/// The call failed with a named error code (and its documented message).
#[then(regex = r"^the call fails with `([\w.]+)`$")]
async fn call_fails_with(world: &mut ConformanceWorld, code: String) {
    let Some(kind) = ErrorKind::from_code(&code) else {
        panic!("`{code}` is not a known error code")
    };
    assert_error(&world.last_call().result, kind);
}

/// The returned process's status.
#[then(regex = r"^the returned IdentityDeletionProcess has `.(\w+).` as `status`$")]
async fn returned_status(world: &mut ConformanceWorld, expected: String) {
    assert_eq!(world.returned_one().status, status(&expected).as_str());
}

/// Grace period arithmetic.
#[then(regex = r"^its `gracePeriodEndsAt` is (\d+) days? after its `createdAt`$")]
async fn grace_period_length(world: &mut ConformanceWorld, days: String) {
    let p = world.returned_one();
    let days: i64 = days
        .parse()
        .unwrap_or_else(|_| panic!("`{days}` is not a number"));
    let length = timestamp(p, "gracePeriodEndsAt") - timestamp(p, "createdAt");
    assert_eq!(
        length,
        TimeDelta::days(days),
        "`gracePeriodEndsAt` - `createdAt` is {length}, not {days} days"
    );
}

/// A field is set (and well-formed) or absent.
#[then(regex = r"^its `(\w+)` is (set|absent)$")]
async fn field_presence(world: &mut ConformanceWorld, field: String, presence: String) {
    let p = world.returned_one();
    if presence == "set" {
        check_recorded(p, &field);
    } else {
        let value = p.field(&field).unwrap_or_else(|e| panic!("{e}"));
        assert!(value.is_none(), "`{field}` is set: {value:?}");
    }
}

/// The id format.
#[then(regex = r"^its `id` is `IDP` followed by 17 letters or digits$")]
async fn id_format(world: &mut ConformanceWorld) {
    if let Err(e) = ProcessId::parse(&world.returned_one().id) {
        panic!("{e}");
    }
}

/// `cancelledAt` is not before `createdAt` and is an ISO-8601 timestamp.
#[then(regex = r"^its `createdAt` and `(\w+)` are ISO-8601 timestamps in UTC$")]
async fn timestamps_utc(world: &mut ConformanceWorld, other: String) {
    let p = world.returned_one();
    for field in ["createdAt", other.as_str()] {
        let text = p
            .field(field)
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("`{field}` is not set"));
        timestamp(p, field);
        assert!(
            text.ends_with('Z'),
            "`{field}` ({text}) is not in UTC (ending with Z)"
        );
    }
}

/// JSON shape: unset optional fields are absent, never `null`.
#[then(regex = r"^its JSON form has no `null` value and no unset field$")]
async fn json_shape(world: &mut ConformanceWorld) {
    let p = world.returned_one();
    let json =
        serde_json::to_value(p).unwrap_or_else(|e| panic!("the process does not serialize: {e}"));
    let Some(object) = json.as_object() else {
        panic!("the process is not a JSON object: {json}")
    };
    for (key, value) in object {
        assert!(!value.is_null(), "`{key}` is null in {json}");
        assert!(
            p.field(key).is_ok_and(|v| v.is_some()),
            "`{key}` is present although unset in {json}"
        );
    }
}

/// RID3 returns exactly what the call returned.
#[then(
    regex = r"^getIdentityDeletionProcess with its `id` returns the same IdentityDeletionProcess$"
)]
async fn get_returns_same(world: &mut ConformanceWorld) {
    let returned = world.returned_one().clone();
    assert_eq!(read_back(world, &returned.id).await, returned);
}

/// RID4 returns exactly what the call returned.
#[then(regex = r"^getActiveIdentityDeletionProcess returns the same IdentityDeletionProcess$")]
async fn get_active_returns_same(world: &mut ConformanceWorld) {
    let returned = world.returned_one().clone();
    let adapter = world.adapter();
    let active = ConformanceWorld::setup(
        adapter.get_active(&world.identity()).await,
        "getActiveIdentityDeletionProcess",
    );
    assert_eq!(active, returned);
}

/// RID5 on a fresh Identity.
#[then(regex = r"^the returned list is empty$")]
async fn list_empty(world: &mut ConformanceWorld) {
    let list = world.returned_list();
    assert!(list.is_empty(), "expected no process, got {list:?}");
}

/// RID5 statuses in order, e.g. `"Cancelled", "Active"`.
#[then(regex = r#"^the returned list has the statuses (.+) in this order$"#)]
async fn list_statuses(world: &mut ConformanceWorld, statuses: String) {
    let expected: Vec<&str> = statuses
        .split(", ")
        .map(|s| status(s.trim().trim_matches('"')).as_str())
        .collect();
    let got: Vec<&str> = world
        .returned_list()
        .iter()
        .map(|p| p.status.as_str())
        .collect();
    assert_eq!(got, expected);
}

/// Concurrency: one winner.
#[then(regex = r"^exactly one of the calls succeeds$")]
async fn one_succeeds(world: &mut ConformanceWorld) {
    for result in &world.burst {
        if let Err(CallError::Adapter(e)) = result {
            errored("a concurrent call", e);
        }
    }
    let ok = world.burst.iter().filter(|r| r.is_ok()).count();
    assert_eq!(
        ok,
        1,
        "{ok} of {} concurrent initiate calls succeeded",
        world.burst.len()
    );
}

/// Concurrency: every loser gets the right error.
#[then(regex = r"^every other call fails with `([\w.]+)`$")]
async fn others_fail_with(world: &mut ConformanceWorld, code: String) {
    let Some(kind) = ErrorKind::from_code(&code) else {
        panic!("`{code}` is not a known error code")
    };
    for result in world.burst.iter().filter(|r| r.is_err()) {
        assert_error(&result.clone().map(Returned::One), kind);
    }
}

/// The invariant: at most (here: exactly) one Active process.
#[then(
    regex = r"^the Identity has exactly one IdentityDeletionProcess with `.Active.` as `status`$"
)]
async fn exactly_one_active(world: &mut ConformanceWorld) {
    let all = world.all_processes("listing the processes").await;
    let active = all
        .iter()
        .filter(|p| p.status == Status::Active.as_str())
        .count();
    assert_eq!(
        active, 1,
        "the Identity has {active} Active processes: {all:?}"
    );
}
