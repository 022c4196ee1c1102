//! Runs an operation sequence against an implementation and compares every
//! answer with the model's.

use super::model::{Expected, ModelIdentity, ModelProcess, ModelState};
use super::ops::{MALFORMED_IDS, Op, clock_advance_ms, resolve_known, step};
use crate::adapter::{Adapter, CallError, IdentityHandle};
use crate::domain::{IdentityDeletionProcess, ProcessId, Status, parse_timestamp};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

/// Where and how the implementation and the model disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// 1-based index of the operation (0: setting up the Identities).
    pub step: usize,
    /// What differs.
    pub message: String,
    /// Whether the adapter itself failed (not a conformance verdict).
    pub errored: bool,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.errored { "ERRORED" } else { "FAILED" };
        write!(f, "{kind} at step {}: {}", self.step, self.message)
    }
}

/// What the executor learned about the implementation's side.
struct Observed {
    identities: Vec<IdentityHandle>,
    /// Per Identity: the implementation's id of each model process.
    ids: Vec<Vec<String>>,
    all_ids: HashSet<String>,
    /// Per Identity: the time its stopped clock stood at (clock capability).
    base: Vec<Option<DateTime<Utc>>>,
    device: Vec<Option<String>>,
}

type Check = Result<(), String>;

fn ensure(ok: bool, message: impl FnOnce() -> String) -> Check {
    if ok { Ok(()) } else { Err(message()) }
}

fn time(
    dto: &IdentityDeletionProcess,
    field: &str,
    value: Option<&str>,
) -> Result<DateTime<Utc>, String> {
    let text = value.ok_or_else(|| format!("`{field}` of {} is missing", dto.id))?;
    parse_timestamp(text).ok_or_else(|| {
        format!(
            "`{field}` of {} is not an ISO-8601 timestamp: {text}",
            dto.id
        )
    })
}

impl Observed {
    fn check_process(
        &mut self,
        clock: bool,
        identity: usize,
        index: usize,
        model: &ModelProcess,
        dto: &IdentityDeletionProcess,
    ) -> Check {
        match self.ids[identity].get(index) {
            Some(id) => ensure(&dto.id == id, || {
                format!("expected process {id}, got {}", dto.id)
            })?,
            None => {
                ProcessId::parse(&dto.id).map_err(|e| e.to_string())?;
                ensure(self.all_ids.insert(dto.id.clone()), || {
                    format!("the new process reuses the id {}", dto.id)
                })?;
                ensure(self.ids[identity].len() == index, || {
                    "processes appeared out of order".to_owned()
                })?;
                self.ids[identity].push(dto.id.clone());
            }
        }
        ensure(dto.status == model.status.as_str(), || {
            format!(
                "{}: status is {:?}, the model says {:?}",
                dto.id,
                dto.status,
                model.status.as_str()
            )
        })?;
        ensure(dto.created_by_device.starts_with("DVC"), || {
            format!(
                "{}: createdByDevice {:?} is not a Device id",
                dto.id, dto.created_by_device
            )
        })?;
        let device = self.device[identity].get_or_insert_with(|| dto.created_by_device.clone());
        ensure(&dto.created_by_device == device, || {
            format!("{}: createdByDevice changed", dto.id)
        })?;
        let created = time(dto, "createdAt", Some(&dto.created_at))?;
        if clock {
            let base = *self.base[identity]
                .get_or_insert(created - TimeDelta::milliseconds(model.created_ms));
            ensure(
                created == base + TimeDelta::milliseconds(model.created_ms),
                || {
                    format!(
                        "{}: createdAt is {created}, expected {}",
                        dto.id,
                        base + TimeDelta::milliseconds(model.created_ms)
                    )
                },
            )?;
        }
        match model.grace_end_ms {
            Some(end) => {
                let ends = time(
                    dto,
                    "gracePeriodEndsAt",
                    dto.grace_period_ends_at.as_deref(),
                )?;
                let expected = created + TimeDelta::milliseconds(end - model.created_ms);
                ensure(ends == expected, || {
                    format!(
                        "{}: gracePeriodEndsAt is {ends}, expected {expected}",
                        dto.id
                    )
                })?;
            }
            None => ensure(dto.grace_period_ends_at.is_none(), || {
                format!("{}: gracePeriodEndsAt is still set", dto.id)
            })?,
        }
        match model.cancelled_ms {
            Some(at) => {
                let cancelled = time(dto, "cancelledAt", dto.cancelled_at.as_deref())?;
                if clock {
                    let expected = created + TimeDelta::milliseconds(at - model.created_ms);
                    ensure(cancelled == expected, || {
                        format!(
                            "{}: cancelledAt is {cancelled}, expected {expected}",
                            dto.id
                        )
                    })?;
                } else {
                    ensure(cancelled >= created, || {
                        format!("{}: cancelledAt is before createdAt", dto.id)
                    })?;
                }
                ensure(
                    dto.cancelled_by_device.as_deref() == Some(dto.created_by_device.as_str()),
                    || {
                        format!(
                            "{}: cancelledByDevice is {:?}, expected the Identity's Device",
                            dto.id, dto.cancelled_by_device
                        )
                    },
                )?;
            }
            None => {
                ensure(dto.cancelled_at.is_none(), || {
                    format!("{}: cancelledAt is set", dto.id)
                })?;
                ensure(dto.cancelled_by_device.is_none(), || {
                    format!("{}: cancelledByDevice is set", dto.id)
                })?;
            }
        }
        Ok(())
    }

    fn check_list(
        &mut self,
        clock: bool,
        identity: usize,
        model: &ModelIdentity,
        list: &[IdentityDeletionProcess],
    ) -> Check {
        ensure(list.len() == model.processes.len(), || {
            format!(
                "getIdentityDeletionProcesses returned {} processes, the model has {}",
                list.len(),
                model.processes.len()
            )
        })?;
        for (index, (dto, process)) in list.iter().zip(&model.processes).enumerate() {
            self.check_process(clock, identity, index, process, dto)
                .map_err(|e| format!("entry {} of getIdentityDeletionProcesses: {e}", index + 1))?;
        }
        Ok(())
    }

    fn unknown_id(&self, seed: u64) -> String {
        (seed..)
            .map(|s| ProcessId::from_seed(s).as_str().to_owned())
            .find(|id| !self.all_ids.contains(id))
            .unwrap_or_default()
    }
}

fn call_error(
    result: Result<impl fmt::Debug, CallError>,
    expected: crate::domain::ErrorKind,
) -> Result<(), (String, bool)> {
    match result {
        Err(CallError::Domain(e)) if expected.matches(&e) => Ok(()),
        Err(CallError::Domain(e)) => Err((format!("expected {}, got {e}", expected.code()), false)),
        Err(CallError::Adapter(e)) => Err((e.to_string(), true)),
        Ok(value) => Err((
            format!(
                "expected {}, the call succeeded: {value:?}",
                expected.code()
            ),
            false,
        )),
    }
}

/// Runs `ops` from `initial` against `adapter`; `seen` counts executed operations.
pub async fn execute(
    adapter: &dyn Adapter,
    initial: &ModelState,
    ops: &[Op],
    seen: impl Fn(),
) -> Result<(), Divergence> {
    let setup = |message: String| Divergence {
        step: 0,
        message,
        errored: true,
    };
    let mut observed = Observed {
        identities: Vec::new(),
        ids: vec![Vec::new(); initial.identities.len()],
        all_ids: HashSet::new(),
        base: vec![None; initial.identities.len()],
        device: vec![None; initial.identities.len()],
    };
    for _ in &initial.identities {
        let identity = adapter
            .new_identity()
            .await
            .map_err(|e| setup(e.to_string()))?;
        if initial.clock {
            adapter
                .advance_clock(&identity, Duration::ZERO)
                .await
                .map_err(|e| setup(e.to_string()))?;
        }
        observed.identities.push(identity);
    }
    let mut model = initial.clone();
    for (index, op) in ops.iter().enumerate() {
        seen();
        let number = index + 1;
        run_op(adapter, &mut model, &mut observed, op)
            .await
            .map_err(|(message, errored)| Divergence {
                step: number,
                message,
                errored,
            })?;
        check_invariant(adapter, &observed)
            .await
            .map_err(|(message, errored)| Divergence {
                step: number,
                message,
                errored,
            })?;
    }
    Ok(())
}

async fn run_op(
    adapter: &dyn Adapter,
    model: &mut ModelState,
    observed: &mut Observed,
    op: &Op,
) -> Result<(), (String, bool)> {
    let i = op.identity();
    let Some(handle) = observed.identities.get(i).cloned() else {
        return Err((
            format!(
                "the operation names Identity {} of {}",
                i + 1,
                observed.identities.len()
            ),
            true,
        ));
    };
    let clock = model.clock;
    let known = match op {
        Op::GetKnown { which, .. } => resolve_known(model, which),
        _ => None,
    };
    let advance = match op {
        Op::AdvanceClock { step, .. } => clock_advance_ms(model, i, *step),
        _ => 0,
    };
    let expected = step(model, op);
    let result = match op {
        Op::Initiate { days, .. } => adapter.initiate(&handle, *days).await.map(Some),
        Op::Cancel { .. } => adapter.cancel(&handle).await.map(Some),
        Op::GetKnown { .. } => {
            let Some((owner, index)) = known else {
                return Ok(());
            };
            let id = observed.ids[owner].get(index).cloned().unwrap_or_default();
            adapter.get(&handle, &id).await.map(Some)
        }
        Op::GetUnknown { seed, .. } => {
            let id = observed.unknown_id(*seed);
            adapter.get(&handle, &id).await.map(Some)
        }
        Op::GetMalformed { which, .. } => adapter
            .get(&handle, MALFORMED_IDS[which.index(MALFORMED_IDS.len())])
            .await
            .map(Some),
        Op::GetActive { .. } => adapter.get_active(&handle).await.map(Some),
        Op::GetAll { .. } => {
            let list = match adapter.get_all(&handle).await {
                Ok(list) => list,
                Err(CallError::Adapter(e)) => return Err((e.to_string(), true)),
                Err(CallError::Domain(e)) => {
                    return Err((format!("getIdentityDeletionProcesses failed: {e}"), false));
                }
            };
            return observed
                .check_list(clock, i, &model.identities[i], &list)
                .map_err(|e| (e, false));
        }
        Op::AdvanceClock { .. } => {
            let by = Duration::from_millis(u64::try_from(advance).unwrap_or(0));
            return adapter
                .advance_clock(&handle, by)
                .await
                .map_err(|e| (e.to_string(), true));
        }
    };
    match expected {
        Expected::Error(kind) => call_error(result, kind),
        Expected::Process(index) => match result {
            Ok(Some(dto)) => {
                let process = model.identities[i].processes[index].clone();
                observed
                    .check_process(clock, i, index, &process, &dto)
                    .map_err(|e| (e, false))
            }
            Ok(None) => Ok(()),
            Err(CallError::Domain(e)) => Err((format!("expected success, got {e}"), false)),
            Err(CallError::Adapter(e)) => Err((e.to_string(), true)),
        },
        Expected::All | Expected::Nothing => Ok(()),
    }
}

/// After every step: at most one Active process per Identity.
async fn check_invariant(adapter: &dyn Adapter, observed: &Observed) -> Result<(), (String, bool)> {
    for (i, handle) in observed.identities.iter().enumerate() {
        let all = match adapter.get_all(handle).await {
            Ok(all) => all,
            Err(CallError::Adapter(e)) => return Err((e.to_string(), true)),
            Err(CallError::Domain(e)) => {
                return Err((format!("getIdentityDeletionProcesses failed: {e}"), false));
            }
        };
        let active = all
            .iter()
            .filter(|p| p.status == Status::Active.as_str())
            .count();
        if active > 1 {
            return Err((
                format!(
                    "invariant broken: Identity {} has {active} Active processes",
                    i + 1
                ),
                false,
            ));
        }
    }
    Ok(())
}
