//! Steps that need an optional capability, and which scenarios need one.
//!
//! A scenario needs a capability when it carries the tag `@requires.<name>`
//! (on the scenario, its rule or its feature), or when one of its steps is a
//! capability step. The capability steps are registered from the same
//! patterns ([`CAPABILITY_STEPS`]) that detect them, so the two cannot drift.

use super::expect::Condition;
use super::world::{ConformanceWorld, errored};
use crate::adapter::Capability;
use crate::domain::{DEFAULT_GRACE_PERIOD_DAYS, STATUS_CHANGED_EVENT};
use cucumber::step::Context;
use futures::future::LocalBoxFuture;
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::LazyLock;
use std::time::Duration;

/// The kind of step a pattern is registered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// A Given (and When) step: the clock steps read naturally as both.
    GivenOrWhen,
    /// A Then step.
    Then,
}

/// A step function as cucumber takes it.
pub type StepFn = for<'a> fn(&'a mut ConformanceWorld, Context) -> LocalBoxFuture<'a, ()>;

/// The grace period of the Active process is over (advances the clock).
pub const GRACE_PERIOD_OVER: &str = r"^the grace period of (?:the active IdentityDeletionProcess|the IdentityDeletionProcess with `.Active.` as `status`) is already over(?:, i\.e\. .*)?\.?$";
/// The Identity's clock moves forward.
pub const CLOCK_ADVANCES: &str =
    r"^the Identity's clock advances by (\d+) days?(?: and (\d+) milliseconds?)?$";
/// The Identity's clock stops.
pub const CLOCK_STOPPED: &str = r"^the Identity's clock is stopped$";
/// A status-changed event carries the returned process.
pub const EVENT_CARRIES: &str = r"^a `transport\.identityDeletionProcessStatusChanged` event carries the returned IdentityDeletionProcess$";

/// Every capability step: what it needs, its kind, its pattern, its function.
pub const CAPABILITY_STEPS: &[(Capability, StepKind, &str, StepFn)] = &[
    (
        Capability::Clock,
        StepKind::GivenOrWhen,
        GRACE_PERIOD_OVER,
        grace_period_over,
    ),
    (
        Capability::Clock,
        StepKind::GivenOrWhen,
        CLOCK_ADVANCES,
        clock_advances,
    ),
    (
        Capability::Clock,
        StepKind::GivenOrWhen,
        CLOCK_STOPPED,
        clock_stopped,
    ),
    (
        Capability::Events,
        StepKind::Then,
        EVENT_CARRIES,
        event_carries,
    ),
];

fn capture(context: &Context, index: usize) -> Option<String> {
    context
        .matches
        .get(index)
        .map(|(_, m)| m.clone())
        .filter(|m| !m.is_empty())
}

async fn advance(world: &ConformanceWorld, by: Duration) {
    let adapter = world.adapter();
    if let Err(e) = adapter.advance_clock(&world.identity(), by).await {
        errored("advancing the Identity's clock", &e);
    }
}

/// Initiates with the default grace period, then moves the clock 1 ms past its end.
fn grace_period_over(world: &mut ConformanceWorld, _context: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let adapter = world.adapter();
        let process = ConformanceWorld::setup(
            adapter.initiate(&world.identity(), None).await,
            "initiating a process",
        );
        world.remember(&process);
        let grace = Duration::from_secs(u64::from(DEFAULT_GRACE_PERIOD_DAYS) * 86_400);
        // Stop the clock first so that no real time passes between the steps.
        advance(world, Duration::ZERO).await;
        advance(world, grace + Duration::from_millis(1)).await;
        world.condition = Some(Condition::GracePeriodOver);
    })
}

fn clock_advances(world: &mut ConformanceWorld, context: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let days: u64 = capture(&context, 1)
            .and_then(|d| d.parse().ok())
            .unwrap_or(0);
        let millis: u64 = capture(&context, 2)
            .and_then(|d| d.parse().ok())
            .unwrap_or(0);
        advance(
            world,
            Duration::from_secs(days * 86_400) + Duration::from_millis(millis),
        )
        .await;
    })
}

fn clock_stopped(world: &mut ConformanceWorld, _context: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move { advance(world, Duration::ZERO).await })
}

fn event_carries(world: &mut ConformanceWorld, _context: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        let returned = world.returned_one().clone();
        let adapter = world.adapter();
        let events = match adapter.take_events(&world.identity()).await {
            Ok(events) => events,
            Err(e) => errored("reading the events", &e),
        };
        let Some(last) = events.last() else {
            panic!("no event was published")
        };
        assert_eq!(
            last.name, STATUS_CHANGED_EVENT,
            "the last event has the wrong name"
        );
        assert_eq!(
            last.data, returned,
            "the event does not carry the returned process"
        );
    })
}

static COMPILED: LazyLock<Vec<(Capability, Regex)>> = LazyLock::new(|| {
    CAPABILITY_STEPS
        .iter()
        .filter_map(|(c, _, p, _)| Regex::new(p).ok().map(|r| (*c, r)))
        .collect()
});

/// The capabilities a scenario needs, from its tags and step texts.
pub fn required_capabilities<'a>(
    tags: impl IntoIterator<Item = &'a String>,
    steps: impl IntoIterator<Item = &'a str>,
) -> BTreeSet<Capability> {
    let mut needed: BTreeSet<Capability> = tags
        .into_iter()
        .filter_map(|t| t.trim_start_matches('@').strip_prefix("requires."))
        .filter_map(Capability::parse)
        .collect();
    for step in steps {
        needed.extend(
            COMPILED
                .iter()
                .filter(|(_, r)| r.is_match(step))
                .map(|(c, _)| *c),
        );
    }
    needed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(COMPILED.len(), CAPABILITY_STEPS.len());
    }

    #[test]
    fn tags_and_steps_declare_needs() {
        let tags = vec!["requires.events".to_owned()];
        let needed = required_capabilities(&tags, ["the Identity's clock is stopped"]);
        assert_eq!(
            needed,
            [Capability::Clock, Capability::Events]
                .into_iter()
                .collect()
        );
        assert!(required_capabilities(&[], ["the call fails"]).is_empty());
    }
}
