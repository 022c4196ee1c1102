//! When steps: the call under test. They record what happened; the Then
//! steps judge it.

use super::world::{Burst, ConformanceWorld, LastCall, SCENARIO_IDENTITY};
use crate::adapter::{CallError, Capability};
use crate::domain::ErrorKind;
use crate::domain::Function;
use crate::oracle::serial::BurstOutcome;
use crate::oracle::{Call, measure};
use crate::oracle::{check_error, check_malformed};
use crate::verdict::{Failure, RuleId};
use crate::vocabulary::{IdMutation, Param};

/// The Identity calls `function` with `params`.
pub async fn calls(world: &mut ConformanceWorld, function: Function, params: &[Param]) {
    let days = params.iter().find_map(|p| match p {
        Param::GracePeriodDays(days) => *days,
        Param::Id(_) => None,
    });
    let call = match function {
        Function::Initiate => Call::Initiate(days),
        Function::Cancel => Call::Cancel,
        Function::Get => {
            let literal = params.iter().find_map(|p| match p {
                Param::Id(id) => id.clone(),
                Param::GracePeriodDays(_) => None,
            });
            let last_created = {
                let me = SCENARIO_IDENTITY;
                let count = world.oracle.model.identities[me].processes.len();
                count
                    .checked_sub(1)
                    .and_then(|i| world.oracle.id_of(me, i))
                    .map(str::to_owned)
            };
            match literal
                .or_else(|| world.subject_id.clone())
                .or(last_created)
            {
                Some(id) => Call::Get(id),
                None => world.suite_error("no id to get: no Given step chose one"),
            }
        }
        Function::GetActive => Call::GetActive,
        Function::GetAll => Call::GetAll,
    };
    // Only the call under test's events count in the Then steps.
    record(world, function, call, None).await;
}

/// K concurrent initiates or cancels on the scenario's Identity, all by its first Device.
pub async fn calls_concurrently(world: &mut ConformanceWorld, function: Function, times: usize) {
    concurrently(world, function, times, false).await;
}

/// K concurrent initiates or cancels on the scenario's Identity, call `i`
/// made by its Device `i` modulo the number of Devices: a lock per Device
/// instead of per Identity lets several win.
pub async fn calls_concurrently_from_devices(
    world: &mut ConformanceWorld,
    function: Function,
    times: usize,
) {
    if world.added_devices.is_empty() {
        world.suite_error("the Identity has one Device: add Devices first");
    }
    concurrently(world, function, times, true).await;
}

async fn concurrently(
    world: &mut ConformanceWorld,
    function: Function,
    times: usize,
    from_devices: bool,
) {
    if times < 2 {
        world.suite_error(format!(
            "{times} concurrent calls are no concurrency: use at least 2"
        ));
    }
    let adapter = world.adapter();
    let identity = world.handle(SCENARIO_IDENTITY);
    let devices: Vec<Option<String>> = if from_devices {
        std::iter::once(None)
            .chain(world.added_devices.iter().cloned().map(Some))
            .collect()
    } else {
        vec![None]
    };
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(times));
    let (window, joined) = measure(|| {
        let tasks: Vec<_> = (0..times)
            .map(|i| {
                let adapter = adapter.clone();
                let identity = identity.clone();
                let barrier = barrier.clone();
                let device = devices[i % devices.len()].clone();
                tokio::spawn(async move {
                    barrier.wait().await;
                    let device = device.as_deref();
                    match function {
                        Function::Cancel => adapter.cancel_as(&identity, device).await,
                        _ => adapter.initiate_as(&identity, device, None).await,
                    }
                })
            })
            .collect();
        futures::future::join_all(tasks)
    })
    .await;
    let mut results = Vec::with_capacity(times);
    for joined in joined {
        match joined {
            Ok(Err(CallError::Adapter(e))) => {
                world.errored(&format!("a concurrent call of {function}"), &e)
            }
            Ok(result) => results.push(result),
            Err(e) => world.suite_error(format!("a concurrent call panicked: {e}")),
        }
    }
    // The oracle sees one call: the winner's, if any, made by its Device.
    let call = match function {
        Function::Cancel => Call::Cancel,
        _ => Call::Initiate(None),
    };
    let winner_device = match results.iter().position(Result::is_ok) {
        Some(i) => devices[i % devices.len()].clone(),
        None => None,
    };
    let expected =
        world
            .oracle
            .apply_as(SCENARIO_IDENTITY, &call, window, winner_device.as_deref());
    let winners: Vec<&String> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().map(|p| &p.id))
        .collect();
    if let (crate::oracle::model::Expected::Process(index), [winner]) =
        (&expected, winners.as_slice())
    {
        let winner = (*winner).clone();
        world.oracle.bind(SCENARIO_IDENTITY, *index, &winner);
    }
    world.last = None;
    world.burst = Some(Burst {
        function,
        results,
        expected,
    });
}

/// The Identity calls initiate or cancel from its Device number `device`.
pub async fn calls_from(world: &mut ConformanceWorld, function: Function, device: usize) {
    let call = match function {
        Function::Cancel => Call::Cancel,
        _ => Call::Initiate(None),
    };
    let acting = world.device(device);
    record(world, function, call, acting).await;
}

/// The Identity gets the id of its newest process, mutated.
pub async fn calls_get_mutated(world: &mut ConformanceWorld, mutation: IdMutation) {
    let me = SCENARIO_IDENTITY;
    let count = world.oracle.model.identities[me].processes.len();
    let Some(id) = count
        .checked_sub(1)
        .and_then(|i| world.oracle.id_of(me, i))
        .map(str::to_owned)
    else {
        world.suite_error("the Identity has no process whose id could be mutated")
    };
    let Some(mutated) = mutation.apply(&id) else {
        world.suite_error(format!("the id {id:?} is too short to mutate"))
    };
    world.subject_id = Some(mutated.clone());
    record(world, Function::Get, Call::Get(mutated), None).await;
}

/// Makes the call under test and records it for the Then steps.
async fn record(
    world: &mut ConformanceWorld,
    function: Function,
    call: Call,
    device: Option<String>,
) {
    if world.has(Capability::Events) {
        world.take_events(SCENARIO_IDENTITY).await;
    }
    world.take_changes(SCENARIO_IDENTITY);
    world.events = None;
    let model_before = world.oracle.model.clone();
    let (result, expected, window) = world
        .call_as(SCENARIO_IDENTITY, call, device, "the call under test")
        .await;
    world.last = Some(LastCall {
        identity: SCENARIO_IDENTITY,
        function,
        result,
        expected,
        window,
        model_before,
    });
}

/// `n` concurrent calls on the scenario's Identity, initiates and cancels
/// alternating. The oracle cannot know their order: afterwards only the
/// serializability step judges them, and the scenario's oracle is not used again.
pub async fn calls_burst(world: &mut ConformanceWorld, n: usize) {
    if n < 2 {
        world.suite_error(format!(
            "{n} concurrent calls are no concurrency: use at least 2"
        ));
    }
    let me = SCENARIO_IDENTITY;
    let was_active = world.oracle.model.identities[me].active().is_some();
    let before = world.oracle.model.identities[me].processes.len();
    let adapter = world.adapter();
    let identity = world.handle(me);
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (adapter, identity, barrier) = (adapter.clone(), identity.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let initiate = i % 2 == 0;
                let result = if initiate {
                    adapter.initiate(&identity, None).await
                } else {
                    adapter.cancel(&identity).await
                };
                (initiate, result)
            })
        })
        .collect();
    let mut outcome = BurstOutcome::default();
    for joined in futures::future::join_all(tasks).await {
        let (initiate, result) = match joined {
            Ok(pair) => pair,
            Err(e) => world.suite_error(format!("a concurrent call panicked: {e}")),
        };
        match (initiate, result) {
            (_, Err(CallError::Adapter(e))) => world.errored("a call of the burst", &e),
            (initiate, Err(CallError::Malformed(m))) => {
                world.fail(check_malformed(if initiate { "RID1" } else { "RID2" }, &m))
            }
            (true, Ok(_)) => outcome.initiated += 1,
            (false, Ok(_)) => outcome.cancelled += 1,
            (true, Err(CallError::Domain(e))) => {
                let checked = check_error("RID1", ErrorKind::ActiveProcessAlreadyExists, &e);
                world.check(checked.map_err(|f| Failure {
                    rule: RuleId::new("RID1.concurrent-loser-code"),
                    ..f
                }));
                outcome.initiate_refused += 1;
            }
            (false, Err(CallError::Domain(e))) => {
                let checked = check_error("RID2", ErrorKind::NoActiveProcess, &e);
                world.check(checked.map_err(|f| Failure {
                    rule: RuleId::new("RID2.concurrent-loser-code"),
                    ..f
                }));
                outcome.cancel_refused += 1;
            }
        }
    }
    world.last = None;
    world.mixed_burst = Some((outcome, was_active, before));
}
