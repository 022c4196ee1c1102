//! When steps: the call under test. They record what happened; the Then
//! steps judge it.

use super::world::{Burst, ConformanceWorld, LastCall, SCENARIO_IDENTITY};
use crate::adapter::{CallError, Capability};
use crate::domain::Function;
use crate::oracle::{Call, measure};
use crate::vocabulary::Param;

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
    if world.has(Capability::Events) {
        // Only the call under test's events count in the Then steps.
        world.take_events(SCENARIO_IDENTITY).await;
    }
    world.events = None;
    let model_before = world.oracle.model.clone();
    let (result, expected, window) = world
        .call(SCENARIO_IDENTITY, call, "the call under test")
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

/// K concurrent initiates or cancels on the scenario's Identity.
pub async fn calls_concurrently(world: &mut ConformanceWorld, function: Function, times: usize) {
    if times < 2 {
        world.suite_error(format!(
            "{times} concurrent calls are no concurrency: use at least 2"
        ));
    }
    let adapter = world.adapter();
    let identity = world.handle(SCENARIO_IDENTITY);
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(times));
    let (window, joined) = measure(|| {
        let tasks: Vec<_> = (0..times)
            .map(|_| {
                let adapter = adapter.clone();
                let identity = identity.clone();
                let barrier = barrier.clone();
                tokio::spawn(async move {
                    barrier.wait().await;
                    match function {
                        Function::Cancel => adapter.cancel(&identity).await,
                        _ => adapter.initiate(&identity, None).await,
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
    // The oracle sees one call: the winner's, if any.
    let call = match function {
        Function::Cancel => Call::Cancel,
        _ => Call::Initiate(None),
    };
    let expected = world.oracle.apply(SCENARIO_IDENTITY, &call, window);
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
