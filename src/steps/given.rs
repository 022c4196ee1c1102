//! Given steps: put the scenario's Identity into a state, checking every
//! answer of the implementation on the way against the oracle.

use super::world::{ConformanceWorld, SCENARIO_IDENTITY};
use crate::domain::{Status, parse_timestamp};
use crate::oracle::Call;
use crate::oracle::Returned;
use crate::oracle::model::{DAY_MS, MS_NS};
use crate::verdict::{Failure, RuleId};
use chrono::Utc;
use std::time::Duration;

const ME: usize = SCENARIO_IDENTITY;

/// Initiates (checked) and makes the new process the subject of a later get.
pub async fn initiate(world: &mut ConformanceWorld, days: Option<u32>) {
    if let Returned::One(process) = world
        .setup(ME, Call::Initiate(days), "initiating a process")
        .await
    {
        world.subject_id = Some(process.id);
    }
}

/// Cancels the Active process (checked).
pub async fn cancel(world: &mut ConformanceWorld) {
    world
        .setup(ME, Call::Cancel, "cancelling the Active process")
        .await;
}

/// The Identity has an Active process (initiated here unless the scenario
/// already made one). With the "i.e." definition, the process must have
/// `"Active"` as `status`; with "whose grace period is not over", the present
/// must not be later than its `gracePeriodEndsAt`. Both are checked on the
/// implementation's answer.
pub async fn has_active(world: &mut ConformanceWorld, defined: bool, grace_not_over: bool) {
    let active = if world.oracle.model.identities[ME].active().is_some() {
        let Returned::One(active) = world
            .setup(ME, Call::GetActive, "reading the Active process")
            .await
        else {
            world.suite_error("getActive returned a list")
        };
        active
    } else {
        let Returned::One(active) = world
            .setup(ME, Call::Initiate(None), "initiating a process")
            .await
        else {
            world.suite_error("initiate returned a list")
        };
        world.subject_id = Some(active.id.clone());
        active
    };
    if defined && active.status != Status::Active.as_str() {
        let failure = Failure::new(
            RuleId::new("RID1.status"),
            "the active process does not have `\"Active\"` as `status`",
        )
        .value(&active.status)
        .expected_actual("\"Active\"", format!("{:?}", active.status));
        // A renamed status (a waiver's `value` pin) is counted, and the
        // scenario goes on to judge what it is about; any other status ends it.
        if !world
            .oracle
            .waivers
            .reads_as(&active.status, Status::Active)
        {
            world.fail(failure);
        }
        world.oracle.waivers.waives(&failure);
    }
    if grace_not_over {
        let model = &world.oracle.model.identities[ME];
        let over = model
            .active()
            .and_then(|i| model.processes[i].grace_end_ns)
            .is_none_or(|end| model.now_ns > end);
        let now = Utc::now();
        let ends = active
            .grace_period_ends_at
            .as_deref()
            .and_then(parse_timestamp);
        let implementation_over =
            !world.oracle.clock_stopped(ME) && ends.is_none_or(|end| end < now);
        if over {
            world.suite_error("the scenario's own clock is already past the grace period");
        }
        if implementation_over {
            world.fail(
                Failure::new(
                    RuleId::new("RID1.gracePeriodEndsAt"),
                    "the grace period of the Active process is already over",
                )
                .expected_actual(
                    format!(
                        "a `gracePeriodEndsAt` not before {:?}",
                        crate::domain::format_timestamp(now)
                    ),
                    active.to_json(),
                ),
            );
        }
    }
}

/// A cancelled process, then an Active one initiated after it.
pub async fn has_cancelled_then_active(world: &mut ConformanceWorld) {
    initiate(world, None).await;
    cancel(world).await;
    initiate(world, None).await;
}

/// The Identity has no Active process: the oracle says so, and the implementation agrees.
pub async fn has_no_active(world: &mut ConformanceWorld) {
    if world.oracle.model.identities[ME].active().is_some() {
        world.suite_error("the scenario set up an Active process before saying there is none");
    }
    world.setup(ME, Call::GetAll, "listing the processes").await;
}

/// The Identity has no process at all.
pub async fn has_none(world: &mut ConformanceWorld) {
    if !world.oracle.model.identities[ME].processes.is_empty() {
        world.suite_error("the scenario created a process before saying there is none");
    }
    world.setup(ME, Call::GetAll, "listing the processes").await;
}

/// A well-formed id that names no process the suite has seen.
pub fn unknown_id(world: &mut ConformanceWorld) {
    world.subject_id = Some(world.oracle.unknown_id(0x5eed));
}

/// A malformed id.
pub fn malformed_id(world: &mut ConformanceWorld) {
    world.subject_id = Some("not-an-IdentityDeletionProcess-id".to_owned());
}

/// Another Identity initiates; its process's id becomes the one to get.
pub async fn other_identity_has_initiated(world: &mut ConformanceWorld) {
    let other = world.add_identity("creating another Identity").await;
    if let Returned::One(process) = world
        .setup(
            other,
            Call::Initiate(None),
            "initiating for another Identity",
        )
        .await
    {
        world.subject_id = Some(process.id);
    }
}

/// The grace period of the Active process is over: the clock is placed at
/// the first instant the definition allows, 1 ms after `gracePeriodEndsAt`.
pub async fn grace_period_over(world: &mut ConformanceWorld) {
    world.advance_clock(ME, Duration::ZERO).await;
    if world.oracle.model.identities[ME].active().is_none() {
        initiate(world, None).await;
    }
    let model = &world.oracle.model.identities[ME];
    let Some(end) = model.active().and_then(|i| model.processes[i].grace_end_ns) else {
        world.suite_error("the Active process has no grace period in the model")
    };
    // The model counts nanoseconds (the end may lie between milliseconds):
    // the clock lands after the end by at most 1 ms.
    let by = end
        .saturating_sub(model.now_ns)
        .div_euclid(MS_NS)
        .saturating_add(1)
        .max(0);
    world
        .advance_clock(ME, Duration::from_millis(u64::try_from(by).unwrap_or(0)))
        .await;
}

/// The clock moves forward by `days` and `millis`.
pub async fn clock_advances(world: &mut ConformanceWorld, days: u64, millis: u64) {
    let total = days
        .checked_mul(DAY_MS as u64)
        .and_then(|ms| ms.checked_add(millis));
    let Some(total) = total else {
        world.suite_error(format!(
            "{days} days and {millis} ms do not fit a clock step"
        ))
    };
    world.advance_clock(ME, Duration::from_millis(total)).await;
}

/// The clock stops at exactly `instant`.
pub async fn clock_set_to(world: &mut ConformanceWorld, instant: &str) {
    match crate::domain::parse_utc_timestamp(instant) {
        Ok(at) => world.set_clock(ME, at).await,
        Err(e) => world.suite_error(format!("the instant {instant:?}: {e}")),
    }
}

/// The clock stops at 1 ms after the `gracePeriodEndsAt` the Active process
/// was returned with (the oracle learned it from that answer: it may lie up
/// to 5 ms after `createdAt` + N days), set absolutely.
pub async fn clock_set_past_grace_end(world: &mut ConformanceWorld) {
    let model = &world.oracle.model.identities[ME];
    let Some(end) = model.active().and_then(|i| model.processes[i].grace_end_ns) else {
        world.suite_error("the Identity has no Active process with a grace period")
    };
    let Some(now) = world.oracle.clock_instant(ME) else {
        world.suite_error("the Identity's clock instant is not known exactly: set it first")
    };
    let at = now + chrono::TimeDelta::nanoseconds(end - model.now_ns + MS_NS);
    world.set_clock(ME, at).await;
}

/// The Identity has `n` Devices: Devices are added until it has.
pub async fn has_devices(world: &mut ConformanceWorld, n: usize) {
    while world.added_devices.len() + 1 < n {
        has_second_device(world).await;
    }
}

/// The Identity gets another Device; its id must be new.
pub async fn has_second_device(world: &mut ConformanceWorld) {
    let adapter = world.adapter();
    let handle = world.handle(ME);
    let device = match adapter.new_device(&handle).await {
        Ok(device) => device,
        Err(e) => world.errored("adding a Device", &e),
    };
    let known = world.oracle.device(ME).map(str::to_owned);
    let checked = crate::oracle::check_new_device(
        &device,
        world
            .added_devices
            .iter()
            .map(String::as_str)
            .chain(known.as_deref()),
    );
    if let Err(failure) = checked {
        world.fail(failure);
    }
    world.oracle.add_device(ME, &device);
    world.added_devices.push(device);
}

/// `n` processes initiated and cancelled one after the other, every answer checked.
pub async fn has_cycles(world: &mut ConformanceWorld, n: usize) {
    for _ in 0..n {
        initiate(world, None).await;
        cancel(world).await;
    }
}

/// The clock is set `offset_ms` from the next daylight-saving change after
/// its present instant (which must be known exactly: a stopped clock that an
/// answer has pinned).
pub async fn clock_near_dst(world: &mut ConformanceWorld, offset_ms: i64) {
    let Some(now) = world.oracle.clock_instant(ME) else {
        world.suite_error(
            "the Identity's clock instant is not known exactly (stop it and initiate first)",
        )
    };
    match crate::oracle::dst::near_next_switch(now, offset_ms) {
        Some(target) => world.set_clock(ME, target).await,
        None => world.suite_error("no daylight-saving change follows the clock's instant"),
    }
}
