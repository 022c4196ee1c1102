//! Runs an operation sequence against an implementation and judges every
//! answer with the suite's oracle (the same one the step definitions use).

use super::ops::{MALFORMED_IDS, Op, clock_advance_ms, resolve_known};
use crate::adapter::{Adapter, CallError, IdentityHandle};
use crate::domain::{Function, IdentityDeletionProcess, Status};
use crate::oracle::calendar;
use crate::oracle::model::Expected;
use crate::oracle::model::ModelState;
use crate::oracle::{Call, Oracle, Returned, Waivers, measure};
use crate::verdict::{Failure, Fault, RuleId, Verdict};
use crate::vocabulary::IdMutation;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Where and how the implementation and the oracle disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// 1-based index of the operation (0: setting up the Identities).
    pub step: usize,
    /// The typed verdict.
    pub verdict: Verdict,
    /// The Identity whose list, read by the invariant check after the step,
    /// was wrong (`None`: the step's own answer, or another check).
    pub listed: Option<usize>,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at step {}: {}", self.step, self.verdict)
    }
}

/// Runs `ops` from `initial` against `adapter`; `seen` counts executed operations.
pub async fn execute(
    adapter: &dyn Adapter,
    initial: &ModelState,
    ops: &[Op],
    waivers: &Arc<Waivers>,
    events: bool,
    seen: impl Fn(),
) -> Result<(), Divergence> {
    let at = |step: usize| {
        move |verdict: Verdict| Divergence {
            step,
            verdict,
            listed: None,
        }
    };
    let mut oracle = Oracle::with_waivers(waivers.clone());
    let mut handles = Vec::new();
    for _ in &initial.identities {
        let handle = adapter
            .new_identity()
            .await
            .map_err(|e| Fault::adapter("creating an Identity", &e).into())
            .map_err(at(0))?;
        let index = oracle.add_identity();
        if initial.clock {
            // With `setClock` every clock starts at the same fixed instant, so
            // what a sequence covers does not depend on the day it runs;
            // without it, the clock is stopped where real time is.
            match adapter.set_clock(&handle, *calendar::START).await {
                Ok(()) => oracle.set_clock(index, *calendar::START),
                Err(e) if e.fault == crate::adapter::AdapterFault::Unsupported => {
                    let (window, result) =
                        measure(|| adapter.advance_clock(&handle, Duration::ZERO)).await;
                    result
                        .map_err(|e| Fault::adapter("stopping the clock", &e).into())
                        .map_err(at(0))?;
                    oracle.stop_clock(index, window);
                }
                Err(e) => return Err(at(0)(Fault::adapter("setting the clock", &e).into())),
            }
        }
        handles.push(handle);
    }
    let mut changes = if events {
        Some(vec![Vec::new(); handles.len()])
    } else {
        None
    };
    let mut devices = vec![Vec::new(); handles.len()];
    for (index, op) in ops.iter().enumerate() {
        seen();
        run_op(
            adapter,
            &mut oracle,
            &handles,
            &mut devices,
            op,
            changes.as_mut(),
        )
        .await
        .map_err(at(index + 1))?;
        if let Some(changes) = changes.as_mut() {
            check_events(adapter, &oracle, &handles, changes, op.identity())
                .await
                .map_err(at(index + 1))?;
        }
        check_invariant(adapter, &mut oracle, &handles, waivers)
            .await
            .map_err(|(listed, verdict)| Divergence {
                step: index + 1,
                verdict,
                listed,
            })?;
    }
    Ok(())
}

/// After every step, with the `events` capability: every Identity's events
/// are exactly those of its own status changes since its last read. The
/// other Identities are read before the one that acted, so an event that
/// leaks into another Identity's stream, or vanishes from its own because
/// another's were taken, is seen.
async fn check_events(
    adapter: &dyn Adapter,
    oracle: &Oracle,
    handles: &[IdentityHandle],
    changes: &mut [Vec<IdentityDeletionProcess>],
    acting: usize,
) -> Result<(), Verdict> {
    let n = handles.len();
    for i in (1..=n).map(|k| (acting + k) % n) {
        let published = adapter
            .take_events(&handles[i])
            .await
            .map_err(|e| Verdict::from(Fault::adapter("reading the events", &e)))?;
        let expected = std::mem::take(&mut changes[i]);
        oracle
            .waivers
            .judge(oracle.check_events(i, &expected, &published))
            .map_err(|f| Verdict::from(f.context(&format!("Identity {}'s events", i + 1))))?;
    }
    Ok(())
}

async fn call(
    adapter: &dyn Adapter,
    handle: &IdentityHandle,
    call: &Call,
    device: Option<&str>,
) -> Result<Returned, CallError> {
    match call {
        Call::Initiate(days) => adapter
            .initiate_as(handle, device, *days)
            .await
            .map(Returned::One),
        Call::Cancel => adapter.cancel_as(handle, device).await.map(Returned::One),
        Call::Get(id) => adapter.get(handle, id).await.map(Returned::One),
        Call::GetActive => adapter.get_active(handle).await.map(Returned::One),
        Call::GetAll => adapter.get_all(handle).await.map(Returned::Many),
    }
}

async fn run_op(
    adapter: &dyn Adapter,
    oracle: &mut Oracle,
    handles: &[IdentityHandle],
    devices: &mut [Vec<String>],
    op: &Op,
    mut changes: Option<&mut Vec<Vec<IdentityDeletionProcess>>>,
) -> Result<(), Verdict> {
    let i = op.identity();
    let (Some(handle), Some(added)) = (handles.get(i), devices.get(i)) else {
        return Err(Fault::suite(format!(
            "the operation names Identity {} of {}",
            i + 1,
            handles.len()
        ))
        .into());
    };
    // The Device that calls: the first (`None`) or one a NewDevice added.
    let acting = |which: &Option<proptest::sample::Index>| -> Option<String> {
        let number = which.as_ref().map_or(0, |w| w.index(added.len() + 1));
        number.checked_sub(1).map(|k| added[k].clone())
    };
    let mut device = None;
    let request = match op {
        Op::Initiate {
            days, device: d, ..
        } => {
            device = acting(d);
            Call::Initiate(*days)
        }
        Op::Cancel { device: d, .. } => {
            device = acting(d);
            Call::Cancel
        }
        Op::NewDevice { .. } => {
            let new = adapter
                .new_device(handle)
                .await
                .map_err(|e| Verdict::from(Fault::adapter("adding a Device", &e)))?;
            crate::oracle::check_new_device(
                &new,
                added.iter().map(String::as_str).chain(oracle.device(i)),
            )?;
            oracle.add_device(i, &new);
            devices[i].push(new);
            return Ok(());
        }
        Op::GetKnown { which, .. } => {
            let Some((owner, index)) = resolve_known(&oracle.model, which) else {
                return Ok(());
            };
            match oracle.id_of(owner, index) {
                Some(id) => Call::Get(id.to_owned()),
                None => return Err(Fault::suite("a known process has no id").into()),
            }
        }
        Op::GetMutated {
            which, mutation, ..
        } => {
            let Some((owner, index)) = resolve_known(&oracle.model, which) else {
                return Ok(());
            };
            let mutation = IdMutation::ALL[mutation.index(IdMutation::ALL.len())];
            match oracle.id_of(owner, index).and_then(|id| mutation.apply(id)) {
                Some(id) => Call::Get(id),
                None => return Ok(()),
            }
        }
        Op::GetUnknown { seed, .. } => Call::Get(oracle.unknown_id(*seed)),
        Op::GetMalformed { which, .. } => {
            Call::Get(MALFORMED_IDS[which.index(MALFORMED_IDS.len())].to_owned())
        }
        Op::GetActive { .. } => Call::GetActive,
        Op::GetAll { .. } => Call::GetAll,
        Op::AdvanceClock { step, .. } => {
            let by = clock_advance_ms(&oracle.model, i, *step);
            let by_std = Duration::from_millis(u64::try_from(by).unwrap_or(0));
            let (window, result) = measure(|| adapter.advance_clock(handle, by_std)).await;
            result.map_err(|e| Verdict::from(Fault::adapter("moving the clock", &e)))?;
            oracle.stop_clock(i, window);
            oracle.advance_clock(i, by);
            return Ok(());
        }
        Op::SetClockAt {
            which, offset_ms, ..
        } => {
            // Only forward, and only when the clock's instant is known exactly
            // (it started at `calendar::START`).
            let Some(now) = oracle.clock_instant(i) else {
                return Ok(());
            };
            let later = calendar::table().iter().filter(|m| m.at > now).count();
            let Some(target) = calendar::jump_target(now, which.index(later.max(1)), *offset_ms)
            else {
                return Ok(());
            };
            match adapter.set_clock(handle, target).await {
                Ok(()) => {}
                // Without the `setClock` capability the jump is left out: the operation comes
                // only where nothing the model knows depends on it.
                Err(e) if e.fault == crate::adapter::AdapterFault::Unsupported => return Ok(()),
                Err(e) => return Err(Verdict::from(Fault::adapter("setting the clock", &e))),
            }
            oracle.set_clock(i, target);
            return Ok(());
        }
        Op::Cycles { count, .. } => {
            for _ in 0..*count {
                judged_call(
                    adapter,
                    oracle,
                    handle,
                    i,
                    Call::Initiate(None),
                    None,
                    changes.as_deref_mut(),
                )
                .await?;
                judged_call(
                    adapter,
                    oracle,
                    handle,
                    i,
                    Call::Cancel,
                    None,
                    changes.as_deref_mut(),
                )
                .await?;
            }
            return Ok(());
        }
    };
    judged_call(adapter, oracle, handle, i, request, device, changes).await
}

/// Makes one call and judges the answer with the oracle; with the `events`
/// capability, a status change is noted in `changes` for the event check.
pub(super) async fn judged_call(
    adapter: &dyn Adapter,
    oracle: &mut Oracle,
    handle: &IdentityHandle,
    i: usize,
    request: Call,
    device: Option<String>,
    changes: Option<&mut Vec<Vec<IdentityDeletionProcess>>>,
) -> Result<(), Verdict> {
    let function = request.function();
    let (window, result) = measure(|| call(adapter, handle, &request, device.as_deref())).await;
    if let Err(CallError::Adapter(e)) = &result {
        return Err(Fault::adapter(format!("calling {function}"), e).into());
    }
    let expected = oracle.apply_as(i, &request, window, device.as_deref());
    oracle
        .check_answer(i, function, &expected, &result)
        .map_err(|f| Verdict::from(f.context(&format!("Identity {}: {function}", i + 1))))?;
    // A status changed: the call's own, or a cancel the model adopted from a
    // waived success (`Oracle::take_adopted`).
    let changed = matches!(expected, Expected::Process(_)) || oracle.take_adopted().is_some();
    if let (Some(changes), Call::Initiate(_) | Call::Cancel, true, Ok(Returned::One(dto))) =
        (changes, &request, changed, &result)
        && let Some(list) = changes.get_mut(i)
    {
        list.push(dto.clone());
    }
    Ok(())
}

/// After every step: at most one Active process per Identity. The list
/// each check reads is an answer like any other and is judged by the oracle
/// in full (a wrong list between two operations is a failure, not only the
/// lists an operation asked for).
async fn check_invariant(
    adapter: &dyn Adapter,
    oracle: &mut Oracle,
    handles: &[IdentityHandle],
    waivers: &Waivers,
) -> Result<(), (Option<usize>, Verdict)> {
    for (i, handle) in handles.iter().enumerate() {
        let (window, result) = measure(|| adapter.get_all(handle)).await;
        let all = match &result {
            Ok(all) => all.clone(),
            Err(CallError::Adapter(e)) => {
                return Err((
                    None,
                    Fault::adapter(format!("checking the invariant ({})", Function::GetAll), e)
                        .into(),
                ));
            }
            Err(CallError::Malformed(m)) => {
                return Err((Some(i), crate::oracle::check_malformed("RID5", m).into()));
            }
            Err(CallError::Domain(e)) => {
                return Err((
                    Some(i),
                    crate::oracle::must_succeed(
                        "RID5",
                        format!("{} failed", Function::GetAll),
                        "a list",
                        e,
                    )
                    .into(),
                ));
            }
        };
        let active = all
            .iter()
            .filter(|p| waivers.reads_as(&p.status, Status::Active))
            .count();
        if active > 1 {
            waivers
                .judge(Err(Failure::new(
                    RuleId::new("INVARIANT.one-active"),
                    format!("Identity {} has {active} Active processes", i + 1),
                )))
                .map_err(|f| (Some(i), Verdict::from(f)))?;
        }
        let expected = oracle.apply_as(i, &Call::GetAll, window, None);
        oracle
            .check_answer(i, Function::GetAll, &expected, &result.map(Returned::Many))
            .map_err(|f| {
                (
                    Some(i),
                    Verdict::from(f.context(&format!(
                        "Identity {}: {} (checking the invariant)",
                        i + 1,
                        Function::GetAll
                    ))),
                )
            })?;
    }
    Ok(())
}
