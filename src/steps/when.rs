//! When steps: the call under test.

use super::Function;
use super::world::{ConformanceWorld, LastCall, Returned, errored};
use crate::adapter::CallError;
use cucumber::when;

/// Parameters written after `with`: "`name`" or "`name` value", joined by
/// ", " and " and ".
fn parse_parameters(function: Function, text: &str) -> Vec<(String, Option<String>)> {
    text.split(", ")
        .flat_map(|part| part.split(" and "))
        .map(|item| {
            let item = item.trim();
            let Some(rest) = item.strip_prefix('`') else {
                panic!(
                    "the parameter `{item}` of {} is not understood: name it in backticks",
                    function.name()
                )
            };
            let Some((name, value)) = rest.split_once('`') else {
                panic!(
                    "the parameter `{item}` of {} is not understood",
                    function.name()
                )
            };
            if !function.parameters().contains(&name) {
                panic!(
                    "{} has no parameter `{name}` (it takes: {})",
                    function.name(),
                    if function.parameters().is_empty() {
                        "none".to_owned()
                    } else {
                        function.parameters().join(", ")
                    }
                );
            }
            let value = value.trim();
            (
                name.to_owned(),
                (!value.is_empty()).then(|| value.trim_matches('"').to_owned()),
            )
        })
        .collect()
}

/// Calls `function` the way the spec pages say it: "the <actor> calls <function> [with <parameters>]".
/// The pattern names the five functions of [`Function`], so that a page of another facade has an
/// undefined step (tested in `steps::tests`).
#[when(
    regex = r"^the (\S+) calls (initiateIdentityDeletionProcess|cancelIdentityDeletionProcess|getIdentityDeletionProcess|getActiveIdentityDeletionProcess|getIdentityDeletionProcesses)(?: with (.+))?$"
)]
async fn calls(world: &mut ConformanceWorld, actor: String, function: String, parameters: String) {
    assert!(
        actor == "Identity",
        "the actor `{actor}` is not supported: only the Identity calls this facade"
    );
    let Some(function) = Function::parse(&function) else {
        panic!("`{function}` is not a function of the IdentityDeletionProcess facade")
    };
    let parameters = if parameters.is_empty() {
        Vec::new()
    } else {
        parse_parameters(function, &parameters)
    };
    let value_of = |name: &str| {
        parameters
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.clone())
    };

    let before = world
        .all_processes("listing the processes before the call")
        .await;
    let adapter = world.adapter();
    let identity = world.identity();
    let result = match function {
        Function::Initiate => {
            let days = value_of("lengthOfGracePeriodInDays").map(|d| super::given::parse_days(&d));
            adapter.initiate(&identity, days).await.map(Returned::One)
        }
        Function::Cancel => adapter.cancel(&identity).await.map(Returned::One),
        Function::Get => {
            let id = value_of("id")
                .or_else(|| world.subject_id.clone())
                .or_else(|| world.known.last().map(|p| p.id.clone()));
            let Some(id) = id else {
                panic!("no id to get: no Given step chose one")
            };
            adapter.get(&identity, &id).await.map(Returned::One)
        }
        Function::GetActive => adapter.get_active(&identity).await.map(Returned::One),
        Function::GetAll => adapter.get_all(&identity).await.map(Returned::Many),
    };
    if let Err(CallError::Adapter(e)) = &result {
        errored(&format!("calling {}", function.name()), e);
    }
    if let Ok(Returned::One(p)) = &result
        && matches!(function, Function::Initiate | Function::Cancel)
    {
        world.remember(p);
    }
    world.last = Some(LastCall {
        function,
        result,
        before,
    });
}

/// K concurrent initiate calls on one Identity, on the multi-threaded runtime.
#[when(regex = r"^the Identity calls initiateIdentityDeletionProcess (\d+) times concurrently$")]
async fn calls_concurrently(world: &mut ConformanceWorld, times: String) {
    let times: usize = times
        .parse()
        .unwrap_or_else(|_| panic!("`{times}` is not a count"));
    let adapter = world.adapter();
    let identity = world.identity();
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(times));
    let tasks: Vec<_> = (0..times)
        .map(|_| {
            let adapter = adapter.clone();
            let identity = identity.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                adapter.initiate(&identity, None).await
            })
        })
        .collect();
    let mut burst = Vec::with_capacity(times);
    for task in tasks {
        match task.await {
            Ok(result) => burst.push(result),
            Err(e) => panic!(
                "{} (a concurrent call panicked): {e}",
                super::ERRORED_PREFIX
            ),
        }
    }
    world.burst = burst;
}
