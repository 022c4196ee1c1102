//! Given steps: put the scenario's Identity into a state.

use super::expect::Condition;
use super::world::ConformanceWorld;
use crate::domain::{ProcessId, Status};
use cucumber::given;

/// Initiates with the default (or given) grace period and remembers the process.
async fn initiate(world: &mut ConformanceWorld, days: Option<u32>) {
    let adapter = world.adapter();
    let process = ConformanceWorld::setup(
        adapter.initiate(&world.identity(), days).await,
        "initiating a process",
    );
    world.remember(&process);
    world.subject_id = Some(process.id.clone());
}

async fn cancel(world: &mut ConformanceWorld) {
    let adapter = world.adapter();
    let process = ConformanceWorld::setup(
        adapter.cancel(&world.identity()).await,
        "cancelling the active process",
    );
    world.remember(&process);
}

/// The Identity has an Active process (RID1 failure, RID2 and RID4 preconditions).
#[given(
    regex = r"^(?:[Tt]he Identity has|there is already) (?:an active IdentityDeletionProcess|an IdentityDeletionProcess with `.Active.` as `status`)(?:, i\.e\. [^,]*,)?(?: for this Identity)?(?: whose grace period is not over)?\.?$"
)]
async fn has_active(world: &mut ConformanceWorld) {
    initiate(world, None).await;
    world.condition = Some(Condition::ActiveExists);
}

/// The Identity has a process (RID3 precondition).
#[given(regex = r"^[Tt]he Identity has an IdentityDeletionProcess\.?$")]
async fn has_process(world: &mut ConformanceWorld) {
    initiate(world, None).await;
}

/// A cancelled process, then an Active one (RID5 precondition).
#[given(
    regex = r"^[Tt]he Identity has a cancelled IdentityDeletionProcess and (?:an active IdentityDeletionProcess|an IdentityDeletionProcess with `.Active.` as `status`) that was initiated after it\.?$"
)]
async fn has_cancelled_then_active(world: &mut ConformanceWorld) {
    initiate(world, None).await;
    cancel(world).await;
    initiate(world, None).await;
}

/// No Active process (RID2 and RID4 failures): a fresh Identity, checked.
#[given(
    regex = r"^(?:[Tt]he Identity has no|none has|there is no|none is) (?:active IdentityDeletionProcess|IdentityDeletionProcess with `.Active.` as `status`|`.Active.` as `status`|active)(?: for this Identity)?\.?$"
)]
async fn has_no_active(world: &mut ConformanceWorld) {
    let all = world.all_processes("listing the processes").await;
    assert!(
        all.iter().all(|p| p.status != Status::Active.as_str()),
        "a fresh Identity already has an Active process: {all:?}"
    );
    world.condition = Some(Condition::NoActive);
}

/// A fresh Identity has no process at all.
#[given(regex = r"^the Identity has no IdentityDeletionProcess$")]
async fn has_none(world: &mut ConformanceWorld) {
    let all = world.all_processes("listing the processes").await;
    assert!(
        all.is_empty(),
        "a fresh Identity already has processes: {all:?}"
    );
    world.condition = Some(Condition::NoActive);
}

/// The given id names no process of the Identity (RID3 failure).
#[given(
    regex = r"^(?:[Tt]he Identity has no IdentityDeletionProcess with the given `id`|none exists with the given `id`(?: for this Identity)?)\.?$"
)]
async fn unknown_id(world: &mut ConformanceWorld) {
    let known: Vec<String> = world
        .all_processes("listing the processes")
        .await
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut seed = 0x5eed_u64;
    let id = loop {
        let candidate = ProcessId::from_seed(seed).as_str().to_owned();
        if !known.contains(&candidate) {
            break candidate;
        }
        seed += 1;
    };
    world.subject_id = Some(id);
    world.condition = Some(Condition::UnknownId);
}

/// The given id is malformed (RID3 failure).
#[given(regex = r"^the given `id` is not a valid IdentityDeletionProcess id\.?$")]
async fn malformed_id(world: &mut ConformanceWorld) {
    world.subject_id = Some("not-an-IdentityDeletionProcess-id".to_owned());
    world.condition = Some(Condition::MalformedId);
}

/// The Identity initiated a process, optionally with a grace period.
#[given(
    regex = r"^the Identity has initiated an IdentityDeletionProcess(?: with `lengthOfGracePeriodInDays` (\d+))?$"
)]
async fn has_initiated(world: &mut ConformanceWorld, days: String) {
    let days = if days.is_empty() {
        None
    } else {
        Some(parse_days(&days))
    };
    initiate(world, days).await;
    world.condition = Some(Condition::ActiveExists);
}

/// The Identity cancelled its Active process.
#[given(regex = r"^the Identity has cancelled its active IdentityDeletionProcess$")]
async fn has_cancelled(world: &mut ConformanceWorld) {
    cancel(world).await;
    world.condition = Some(Condition::NoActive);
}

/// A day count from a step text.
pub fn parse_days(text: &str) -> u32 {
    text.parse()
        .unwrap_or_else(|_| panic!("`{text}` is not a number of days"))
}

/// Another Identity has a process; its id becomes the subject (RID3 must not find it).
#[given(regex = r"^another Identity has initiated an IdentityDeletionProcess$")]
async fn other_identity_has_process(world: &mut ConformanceWorld) {
    let adapter = world.adapter();
    let other = match adapter.new_identity().await {
        Ok(other) => other,
        Err(e) => super::world::errored("creating another Identity", &e),
    };
    let process = ConformanceWorld::setup(
        adapter.initiate(&other, None).await,
        "initiating for another Identity",
    );
    world.subject_id = Some(process.id);
    world.condition = Some(Condition::UnknownId);
}
