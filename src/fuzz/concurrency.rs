//! Concurrent calls: the invariant must hold under races, not only in sequence.
//!
//! Every defect a race shows is filed under a race rule of the catalogue
//! (`crate::rules`), one per property: what a burst breaks is
//! `INVARIANT.serializable` (also two Active processes seen mid-burst), what
//! concurrent initiates break is `RID1.concurrent-*`. Which of them a race
//! trips first is up to the race; an expectations entry with `race = true`
//! accepts any race rule, never another rule (issue 26).

use crate::adapter::{Adapter, AdapterError, CallError, IdentityHandle};
use crate::domain::{ErrorKind, Function, IdentityDeletionProcess, Status};
use crate::oracle::serial::{self, BurstOutcome as Outcome};
use crate::verdict::{Failure, Fault, OutcomeClass, RuleId, Verdict};
use std::sync::Arc;
use tokio::sync::Barrier;

/// One call of a burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BurstCall {
    /// RID1 on the Identity with this index, by its Device with the second
    /// index (0: its first Device).
    Initiate(usize, usize),
    /// RID2 on the Identity with this index, by its Device with the second index.
    Cancel(usize, usize),
    /// RID5 on the Identity with this index, checking the invariant mid-burst.
    Observe(usize),
}

fn fault(context: &str, e: &AdapterError) -> Verdict {
    Fault::adapter(context, e).into()
}

/// `failure` of burst `number` (from 0) on Identity `identity` (from 0), so named.
fn in_burst(mut failure: Failure, number: usize, identity: usize) -> Failure {
    failure.summary = format!(
        "burst {}, Identity {}: {}",
        number + 1,
        identity + 1,
        failure.summary
    );
    failure
}

fn panicked(e: &tokio::task::JoinError) -> Verdict {
    Fault::suite(format!("a concurrent call panicked: {e}")).into()
}

async fn all(
    adapter: &dyn Adapter,
    handle: &IdentityHandle,
) -> Result<Vec<IdentityDeletionProcess>, Verdict> {
    match adapter.get_all(handle).await {
        Ok(list) => Ok(list),
        Err(CallError::Adapter(e)) => Err(fault(&format!("calling {}", Function::GetAll), &e)),
        Err(CallError::Malformed(m)) => Err(crate::oracle::check_malformed("RID5", &m).into()),
        Err(CallError::Domain(e)) => Err(crate::oracle::must_succeed(
            "RID5",
            format!("{} failed", Function::GetAll),
            "a list",
            &e,
        )
        .into()),
    }
}

/// How many of `list` are Active: their `status` is one of `names`
/// (`Waivers::names_of(Status::Active)`: a status the waivers rename counts).
fn active_count(list: &[IdentityDeletionProcess], names: &[String]) -> usize {
    list.iter().filter(|p| names.contains(&p.status)).count()
}

/// The Identity's Devices for a burst: `None` (its first) and `count - 1`
/// new ones, whose ids must be new.
async fn devices(
    adapter: &dyn Adapter,
    identity: &IdentityHandle,
    count: usize,
) -> Result<Vec<Option<String>>, Verdict> {
    let mut devices = vec![None];
    while devices.len() < count {
        let device = adapter
            .new_device(identity)
            .await
            .map_err(|e| fault("adding a Device", &e))?;
        crate::oracle::check_new_device(&device, devices.iter().flatten().map(String::as_str))?;
        devices.push(Some(device));
    }
    Ok(devices)
}

/// `k` initiate calls at once on a fresh Identity, call `j` made by its
/// Device `j` modulo `devices`: exactly one succeeds, the others get
/// `activeIdentityDeletionProcessAlreadyExists`, and exactly one process is
/// Active afterwards.
pub async fn concurrent_initiates(
    adapter: Arc<dyn Adapter>,
    k: usize,
    devices: usize,
    waivers: &crate::oracle::Waivers,
) -> Result<(), Verdict> {
    let identity = adapter
        .new_identity()
        .await
        .map_err(|e| fault("creating an Identity", &e))?;
    let devices = self::devices(adapter.as_ref(), &identity, devices.max(1)).await?;
    let barrier = Arc::new(Barrier::new(k));
    let tasks: Vec<_> = (0..k)
        .map(|j| {
            let (adapter, identity, barrier) = (adapter.clone(), identity.clone(), barrier.clone());
            let device = devices[j % devices.len()].clone();
            tokio::spawn(async move {
                barrier.wait().await;
                adapter
                    .initiate_as(&identity, device.as_deref(), None)
                    .await
            })
        })
        .collect();
    let mut succeeded = 0;
    for task in tasks {
        match task.await.map_err(|e| panicked(&e))? {
            Ok(_) => succeeded += 1,
            Err(CallError::Domain(e)) => {
                let checked =
                    crate::oracle::check_error("RID1", ErrorKind::ActiveProcessAlreadyExists, &e)
                        .map_err(|f| Failure {
                            rule: RuleId::new("RID1.concurrent-loser-code"),
                            ..f
                        });
                waivers
                    .judge(checked)
                    .map_err(|f| f.context("a losing initiate"))?;
            }
            Err(CallError::Malformed(m)) => {
                return Err(crate::oracle::check_malformed("RID1", &m)
                    .context("a concurrent initiate")
                    .into());
            }
            Err(CallError::Adapter(e)) => return Err(fault("a concurrent initiate", &e)),
        }
    }
    if succeeded != 1 {
        // A waived deviation (5.3.0's Backbone lets concurrent initiates all
        // through) leaves no state to judge: the case ends, the waiver counted.
        let failure = Failure::new(
            RuleId::new("RID1.concurrent-one-winner"),
            format!("{succeeded} of {k} concurrent initiates succeeded"),
        )
        .outcome(OutcomeClass::of_winners(succeeded));
        return waivers.judge(Err(failure)).map_err(Verdict::from);
    }
    let all = all(adapter.as_ref(), &identity).await?;
    let active = active_count(&all, &waivers.names_of(Status::Active));
    if active != 1 || all.len() != 1 {
        // One defect, one rule: a race that leaves two processes is filed
        // where the one that let two initiates through is (not under
        // INVARIANT.one-active one time and here the next).
        let failure = Failure::new(
            RuleId::new("RID1.concurrent-one-winner"),
            format!(
                "after {k} concurrent initiates: {} processes, {active} Active",
                all.len()
            ),
        )
        .outcome(OutcomeClass::UnexplainedState);
        return waivers.judge(Err(failure)).map_err(Verdict::from);
    }
    Ok(())
}

/// Whether `error` is the documented refusal `kind`, or a refusal whose
/// wrong code the waivers accept (`<area>.concurrent-loser-code`).
fn refused(
    waivers: &crate::oracle::Waivers,
    area: &str,
    kind: ErrorKind,
    error: &crate::domain::DomainError,
) -> bool {
    match crate::oracle::check_error(area, kind, error) {
        Ok(()) => true,
        Err(f) => waivers
            .judge(Err(Failure {
                rule: RuleId::of(area, "concurrent-loser-code"),
                ..f
            }))
            .is_ok(),
    }
}

/// Runs `bursts` of concurrent calls on `identities` fresh Identities with
/// `devices` Devices each. After each burst the state must be one that some
/// serial order of the successful calls explains, and no observation may
/// ever see two Active processes.
pub async fn bursts(
    adapter: Arc<dyn Adapter>,
    identities: usize,
    devices: usize,
    bursts: &[Vec<BurstCall>],
    waivers: &crate::oracle::Waivers,
) -> Result<(), Verdict> {
    let mut handles: Vec<IdentityHandle> = Vec::new();
    let mut all_devices: Vec<Vec<Option<String>>> = Vec::new();
    let used = bursts
        .iter()
        .flatten()
        .filter_map(|c| match c {
            BurstCall::Initiate(_, d) | BurstCall::Cancel(_, d) => Some(d + 1),
            BurstCall::Observe(_) => None,
        })
        .max()
        .unwrap_or(1)
        .min(devices.max(1));
    for _ in 0..identities {
        let handle = adapter
            .new_identity()
            .await
            .map_err(|e| fault("creating an Identity", &e))?;
        all_devices.push(self::devices(adapter.as_ref(), &handle, used).await?);
        handles.push(handle);
    }
    let device_of = |i: usize, d: usize| -> Option<String> {
        all_devices[i]
            .get(d % all_devices[i].len())
            .cloned()
            .flatten()
    };
    let mut active = vec![false; identities];
    let mut totals = vec![0usize; identities];
    for (number, burst) in bursts.iter().enumerate() {
        let barrier = Arc::new(Barrier::new(burst.len().max(1)));
        let tasks: Vec<_> = burst
            .iter()
            .map(|call| {
                let (adapter, handles, barrier, call) =
                    (adapter.clone(), handles.clone(), barrier.clone(), *call);
                let active_names = waivers.names_of(Status::Active);
                let device = match call {
                    BurstCall::Initiate(i, d) | BurstCall::Cancel(i, d) => device_of(i, d),
                    BurstCall::Observe(_) => None,
                };
                tokio::spawn(async move {
                    barrier.wait().await;
                    let device = device.as_deref();
                    match call {
                        BurstCall::Initiate(i, _) => (
                            call,
                            adapter
                                .initiate_as(&handles[i], device, None)
                                .await
                                .map(|_| 0),
                        ),
                        BurstCall::Cancel(i, _) => (
                            call,
                            adapter.cancel_as(&handles[i], device).await.map(|_| 0),
                        ),
                        BurstCall::Observe(i) => (
                            call,
                            adapter
                                .get_all(&handles[i])
                                .await
                                .map(|l| active_count(&l, &active_names)),
                        ),
                    }
                })
            })
            .collect();
        // Every call joined before any is judged: no call of the burst outlives it.
        let mut answers = Vec::with_capacity(tasks.len());
        for task in tasks {
            answers.push(task.await.map_err(|e| panicked(&e))?);
        }
        let mut outcomes = vec![Outcome::default(); identities];
        for (call, result) in answers {
            match (call, result) {
                (call, Err(CallError::Adapter(e))) => {
                    return Err(fault(&format!("burst {}: {call:?}", number + 1), &e));
                }
                (call, Err(CallError::Malformed(m))) => {
                    let area = match call {
                        BurstCall::Initiate(..) => "RID1",
                        BurstCall::Cancel(..) => "RID2",
                        BurstCall::Observe(_) => "RID5",
                    };
                    return Err(crate::oracle::check_malformed(area, &m)
                        .context(&format!("burst {}: {call:?}", number + 1))
                        .into());
                }
                (BurstCall::Observe(i), Ok(count)) if count > 1 => {
                    // Filed under the burst's one race rule, as the state after the
                    // burst is, whichever of the two the race shows first.
                    let failure = serial::check_seen_mid_burst(count)
                        .expect_err("more than one Active is a failure");
                    return waivers
                        .judge(Err(in_burst(failure, number, i)))
                        .map_err(Verdict::from);
                }
                (BurstCall::Observe(_), Ok(_)) => {}
                (BurstCall::Observe(i), Err(CallError::Domain(e))) => {
                    let failure = crate::oracle::must_succeed(
                        "RID5",
                        format!("{} failed", Function::GetAll),
                        "a list",
                        &e,
                    );
                    return Err(in_burst(failure, number, i).into());
                }
                (BurstCall::Initiate(i, _), Ok(_)) => outcomes[i].initiated += 1,
                (BurstCall::Cancel(i, _), Ok(_)) => outcomes[i].cancelled += 1,
                (BurstCall::Initiate(i, _), Err(CallError::Domain(e)))
                    if refused(waivers, "RID1", ErrorKind::ActiveProcessAlreadyExists, &e) =>
                {
                    outcomes[i].initiate_refused += 1;
                }
                (BurstCall::Cancel(i, _), Err(CallError::Domain(e)))
                    if refused(waivers, "RID2", ErrorKind::NoActiveProcess, &e) =>
                {
                    outcomes[i].cancel_refused += 1;
                }
                (call, Err(CallError::Domain(e))) => {
                    // A refusal with the wrong code or message (not waived).
                    let (area, kind) = match call {
                        BurstCall::Initiate(..) => ("RID1", ErrorKind::ActiveProcessAlreadyExists),
                        _ => ("RID2", ErrorKind::NoActiveProcess),
                    };
                    let failure = crate::oracle::check_error(area, kind, &e)
                        .err()
                        .unwrap_or_else(|| {
                            Failure::new(RuleId::of(area, "concurrent-loser-code"), e.to_string())
                        });
                    return Err(Failure {
                        rule: RuleId::of(area, "concurrent-loser-code"),
                        ..failure
                    }
                    .context(&format!("burst {}: {call:?}", number + 1))
                    .into());
                }
            }
        }
        for i in 0..identities {
            let o = outcomes[i];
            let judged = match serial::check_answers(active[i], o) {
                Ok(()) => {
                    let all = all(adapter.as_ref(), &handles[i]).await?;
                    let active_now = active_count(&all, &waivers.names_of(Status::Active));
                    serial::check_state_after(active[i], o, totals[i], all.len(), active_now)
                }
                failed => failed,
            };
            if let Err(failure) = judged {
                // A waived deviation (concurrent cancels that all succeed, as the Backbone's
                // source predicts) leaves no serial state to judge later bursts by: the property
                // ends here, with the waiver counted.
                return waivers
                    .judge(Err(in_burst(failure, number, i)))
                    .map_err(Verdict::from);
            }
            let now_active = o.active_after(active[i]);
            totals[i] += o.initiated;
            active[i] = now_active;
        }
    }
    Ok(())
}
