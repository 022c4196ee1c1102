//! The operations the fuzzer generates, and the state machine that generates
//! them from the model (proptest-state-machine).

use crate::domain::{ErrorKind, MAX_GRACE_PERIOD_DAYS};
use crate::oracle::model::{DAY_MS, Expected, MS_NS, ModelState};
use crate::vocabulary::IdMutation;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::Union;
use proptest_state_machine::ReferenceStateMachine;

/// Ids that are not IdentityDeletionProcess ids.
pub const MALFORMED_IDS: &[&str] = &[
    "",
    "IDP",
    "IDP123",
    "idpAAAAAAAAAAAAAAAAA",
    "IDPAAAAAAAAAAAAAAAA-",
    "IDPAAAAAAAAAAAAAAAAAA",
    "XYZAAAAAAAAAAAAAAAAA",
    "IDPÄAAAAAAAAAAAAAAA",
    " IDPAAAAAAAAAAAAAAAA",
];

/// How far the clock moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockStep {
    /// A few milliseconds.
    Millis(u32),
    /// Whole days.
    Days(u8),
    /// Exactly to the end of the Active process's grace period (or nowhere).
    ToGraceEnd,
    /// One millisecond past the end of the Active process's grace period.
    PastGraceEnd,
}

/// One generated operation on the Identity with index `identity`.
#[derive(Debug, Clone)]
pub enum Op {
    /// RID1, with an optional grace period.
    Initiate {
        /// Which Identity.
        identity: usize,
        /// `lengthOfGracePeriodInDays`.
        days: Option<u32>,
        /// Which of the Identity's Devices calls (see [`device_number`]).
        device: Option<Index>,
    },
    /// RID2.
    Cancel {
        /// Which Identity.
        identity: usize,
        /// Which of the Identity's Devices calls (see [`device_number`]).
        device: Option<Index>,
    },
    /// The Identity gets another Device (only with the `devices` capability).
    NewDevice {
        /// Which Identity.
        identity: usize,
    },
    /// RID3 with the id of a process that exists (maybe of another Identity).
    GetKnown {
        /// Which Identity asks.
        identity: usize,
        /// Which existing process, over all Identities.
        which: Index,
    },
    /// RID3 with a well-formed id no process has.
    GetUnknown {
        /// Which Identity asks.
        identity: usize,
        /// Seed of the id.
        seed: u64,
    },
    /// RID3 with a malformed id.
    GetMalformed {
        /// Which Identity asks.
        identity: usize,
        /// Which of [`MALFORMED_IDS`].
        which: Index,
    },
    /// RID4.
    GetActive {
        /// Which Identity.
        identity: usize,
    },
    /// RID5.
    GetAll {
        /// Which Identity.
        identity: usize,
    },
    /// Moves the Identity's clock (only with the clock capability).
    AdvanceClock {
        /// Which Identity.
        identity: usize,
        /// How far.
        step: ClockStep,
    },
    /// Sets the Identity's clock near the next daylight-saving change (clock capability).
    SetClockNearDst {
        /// Which Identity.
        identity: usize,
        /// Milliseconds from the change (negative: before it).
        offset_ms: i64,
    },
    /// RID3 with the id of an existing process, mutated (case, whitespace, non-ASCII).
    GetMutated {
        /// Which Identity asks.
        identity: usize,
        /// Which existing process, over all Identities.
        which: Index,
        /// Which of [`IdMutation::ALL`].
        mutation: Index,
    },
    /// `count` initiate/cancel cycles, each call judged (builds many processes).
    Cycles {
        /// Which Identity.
        identity: usize,
        /// How many cycles.
        count: usize,
    },
}

impl Op {
    /// The Identity the operation is made on.
    pub fn identity(&self) -> usize {
        match self {
            Op::Initiate { identity, .. }
            | Op::Cancel { identity, .. }
            | Op::NewDevice { identity }
            | Op::GetKnown { identity, .. }
            | Op::GetUnknown { identity, .. }
            | Op::GetMalformed { identity, .. }
            | Op::GetActive { identity }
            | Op::GetAll { identity }
            | Op::AdvanceClock { identity, .. }
            | Op::SetClockNearDst { identity, .. }
            | Op::GetMutated { identity, .. }
            | Op::Cycles { identity, .. } => *identity,
        }
    }
}

/// The most Devices the fuzzer gives one Identity (its first included).
pub const MAX_DEVICES: usize = 3;

/// The Device a call is made by: 0 for the Identity's first Device (`None`),
/// else the number of a Device a [`Op::NewDevice`] added (1 for the first added).
pub fn device_number(state: &ModelState, identity: usize, device: Option<&Index>) -> usize {
    let added = state.identities.get(identity).map_or(0, |m| m.devices);
    device.map_or(0, |d| d.index(added + 1))
}

/// Grace periods across the documented range: mostly short ones, often
/// thousands of days, and the edges (0 only with a controlled clock: without
/// one, a grace period of 0 days races real time).
pub fn grace_days(zero: bool) -> BoxedStrategy<Option<u32>> {
    let low = u32::from(!zero);
    let edges: Vec<u32> = [
        0,
        1,
        14,
        4_000,
        4_060,
        24_855,
        24_856,
        MAX_GRACE_PERIOD_DAYS,
    ]
    .into_iter()
    .filter(|d| *d >= low)
    .collect();
    prop_oneof![
        3 => Just(None),
        3 => (low..=30u32).prop_map(Some),
        2 => (31u32..=MAX_GRACE_PERIOD_DAYS).prop_map(Some),
        1 => proptest::sample::select(edges).prop_map(Some),
    ]
    .boxed()
}

/// The existing process `which` picks: (owner Identity, index).
pub fn resolve_known(state: &ModelState, which: &Index) -> Option<(usize, usize)> {
    let all: Vec<(usize, usize)> = state
        .identities
        .iter()
        .enumerate()
        .flat_map(|(owner, m)| (0..m.processes.len()).map(move |i| (owner, i)))
        .collect();
    if all.is_empty() {
        None
    } else {
        Some(all[which.index(all.len())])
    }
}

/// How many milliseconds `step` moves the clock of `identity` in `state`.
pub fn clock_advance_ms(state: &ModelState, identity: usize, step: ClockStep) -> i64 {
    let Some(model) = state.identities.get(identity) else {
        return 0;
    };
    let grace_end = model.active().and_then(|i| model.processes[i].grace_end_ns);
    // Whole milliseconds to the end (the model counts nanoseconds: an
    // implementation's clock and grace end may lie between milliseconds).
    let to_end = |end: i64| end.saturating_sub(model.now_ns).max(0).div_euclid(MS_NS);
    match step {
        ClockStep::Millis(ms) => i64::from(ms),
        ClockStep::Days(days) => i64::from(days) * DAY_MS,
        // At the end or less than 1 ms before it: cancelling is allowed.
        ClockStep::ToGraceEnd => grace_end.map_or(0, to_end),
        // Past the end by at most 1 ms: cancelling is refused.
        ClockStep::PastGraceEnd => grace_end.map_or(1, |end| to_end(end) + 1),
    }
}

/// Applies `op` to `state` and says what the implementation must answer.
pub fn step(state: &mut ModelState, op: &Op) -> Expected {
    match op {
        Op::Initiate { identity, days, .. } => state.initiate(*identity, *days),
        Op::Cancel { identity, .. } => state.cancel(*identity),
        Op::NewDevice { identity } => {
            if let Some(model) = state.identities.get_mut(*identity) {
                model.devices += 1;
            }
            Expected::Nothing
        }
        Op::GetKnown { identity, which } => match resolve_known(state, which) {
            Some((owner, index)) if owner == *identity => Expected::Process(index),
            _ => Expected::Error(ErrorKind::RecordNotFound),
        },
        Op::GetUnknown { .. } => Expected::Error(ErrorKind::RecordNotFound),
        Op::GetMalformed { .. } => Expected::Error(ErrorKind::InvalidPropertyValue),
        Op::GetActive { identity } => state.get_active(*identity),
        Op::GetAll { .. } => Expected::All,
        Op::AdvanceClock { identity, step } => {
            let by = clock_advance_ms(state, *identity, *step);
            state.advance_ms(*identity, by);
            Expected::Nothing
        }
        // Where the clock lands is known only while running; the model's
        // clock does not move, so generation stays conservative.
        Op::SetClockNearDst { .. } => Expected::Nothing,
        Op::GetMutated { mutation, .. } => {
            match IdMutation::ALL[mutation.index(IdMutation::ALL.len())] {
                IdMutation::CaseFlipped => Expected::Error(ErrorKind::RecordNotFound),
                _ => Expected::Error(ErrorKind::InvalidPropertyValue),
            }
        }
        Op::Cycles { identity, count } => {
            for _ in 0..*count {
                state.initiate(*identity, None);
                state.cancel(*identity);
            }
            Expected::Nothing
        }
    }
}

/// The state machine; `CLOCK` says whether clock operations are generated,
/// `DEVICES` whether Devices are added and calls made by them.
#[derive(Debug, Clone, Copy)]
pub struct FuzzMachine<const CLOCK: bool, const DEVICES: bool>;

impl<const CLOCK: bool, const DEVICES: bool> ReferenceStateMachine for FuzzMachine<CLOCK, DEVICES> {
    type State = ModelState;
    type Transition = Op;

    fn init_state() -> BoxedStrategy<ModelState> {
        (1usize..=3).prop_map(|n| ModelState::new(n, CLOCK)).boxed()
    }

    fn transitions(state: &ModelState) -> BoxedStrategy<Op> {
        let n = state.identities.len().max(1);
        let identity = 0..n;
        let device = if DEVICES {
            prop_oneof![2 => Just(None), 1 => any::<Index>().prop_map(Some)].boxed()
        } else {
            Just(None).boxed()
        };
        let initiate = (identity.clone(), grace_days(CLOCK), device.clone()).prop_map(
            |(identity, days, device)| Op::Initiate {
                identity,
                days,
                device,
            },
        );
        let cancel = (identity.clone(), device)
            .prop_map(|(identity, device)| Op::Cancel { identity, device });
        let new_device = identity
            .clone()
            .prop_map(|identity| Op::NewDevice { identity });
        let get_known = (identity.clone(), any::<Index>())
            .prop_map(|(identity, which)| Op::GetKnown { identity, which });
        let get_unknown = (identity.clone(), any::<u64>())
            .prop_map(|(identity, seed)| Op::GetUnknown { identity, seed });
        let get_malformed = (identity.clone(), any::<Index>())
            .prop_map(|(identity, which)| Op::GetMalformed { identity, which });
        let get_active = identity
            .clone()
            .prop_map(|identity| Op::GetActive { identity });
        let get_all = identity
            .clone()
            .prop_map(|identity| Op::GetAll { identity });
        let get_mutated = (identity.clone(), any::<Index>(), any::<Index>()).prop_map(
            |(identity, which, mutation)| Op::GetMutated {
                identity,
                which,
                mutation,
            },
        );
        // Mostly short runs; sometimes enough for 40 or more processes on one Identity.
        let cycles = (
            identity.clone(),
            prop_oneof![4 => 1usize..=3, 1 => 40usize..=45],
        )
            .prop_map(|(identity, count)| Op::Cycles { identity, count });
        if CLOCK {
            let clock_step = prop_oneof![
                (0u32..2_000).prop_map(ClockStep::Millis),
                (1u8..=20).prop_map(ClockStep::Days),
                Just(ClockStep::ToGraceEnd),
                Just(ClockStep::PastGraceEnd),
            ];
            let advance = (identity.clone(), clock_step)
                .prop_map(|(identity, step)| Op::AdvanceClock { identity, step });
            let near_dst =
                (identity, -7_200_000i64..=7_200_000).prop_map(|(identity, offset_ms)| {
                    Op::SetClockNearDst {
                        identity,
                        offset_ms,
                    }
                });
            let mut options = vec![
                (4, initiate.boxed()),
                (4, cancel.boxed()),
                (2, get_known.boxed()),
                (1, get_unknown.boxed()),
                (1, get_malformed.boxed()),
                (2, get_active.boxed()),
                (2, get_all.boxed()),
                (3, advance.boxed()),
                (1, near_dst.boxed()),
                (1, get_mutated.boxed()),
                (1, cycles.boxed()),
            ];
            if DEVICES {
                options.push((1, new_device.boxed()));
            }
            Union::new_weighted(options).boxed()
        } else {
            let mut options = vec![
                (4, initiate.boxed()),
                (4, cancel.boxed()),
                (2, get_known.boxed()),
                (1, get_unknown.boxed()),
                (1, get_malformed.boxed()),
                (2, get_active.boxed()),
                (2, get_all.boxed()),
                (1, get_mutated.boxed()),
                (1, cycles.boxed()),
            ];
            if DEVICES {
                options.push((1, new_device.boxed()));
            }
            Union::new_weighted(options).boxed()
        }
    }

    fn preconditions(state: &ModelState, op: &Op) -> bool {
        // Shrinking may drop Identities that later operations name.
        if op.identity() >= state.identities.len() {
            return false;
        }
        match op {
            Op::GetKnown { which, .. } | Op::GetMutated { which, .. } => {
                resolve_known(state, which).is_some()
            }
            Op::AdvanceClock { .. } => state.clock,
            Op::NewDevice { identity } => {
                DEVICES && state.identities[*identity].devices + 1 < MAX_DEVICES
            }
            // A jump only where no Active process could expire by it: the
            // model's relative times stay right without knowing the jump.
            Op::SetClockNearDst { identity, .. } => {
                state.clock && state.identities[*identity].active().is_none()
            }
            // Cycles start on an Identity without an Active process (so each
            // initiate and cancel must succeed, as the Given that replays them says).
            Op::Cycles { identity, .. } => state.identities[*identity].active().is_none(),
            _ => true,
        }
    }

    fn apply(mut state: ModelState, op: &Op) -> ModelState {
        step(&mut state, op);
        state
    }
}
