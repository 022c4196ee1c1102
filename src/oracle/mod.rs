//! The suite's own oracle: what a conforming implementation must answer.
//!
//! [`model`] is a pure model of Identities and their processes (statuses,
//! grace periods, errors), written from the domain facts. [`Oracle`] adds
//! what the suite observed: which id the implementation gave each model
//! process, each Identity's Device, and where every timestamp must lie (the
//! window of real time around the call, or the exact instant of a stopped
//! clock). The step definitions and the fuzzer both judge every answer of
//! the implementation against it; the implementation is never its own
//! reference.

pub mod calendar;
pub mod dst;
pub mod model;
pub mod serial;
mod waivers;
mod window;

pub use waivers::{Pin, Waivers, status_rule};
pub use window::{Window, measure};

use crate::adapter::{CallError, MalformedAnswer, StatusChangedEvent};
use crate::domain::{
    DomainError, DtoDefect, ErrorKind, Field, FieldDefect, Function, IdentityDeletionProcess,
    ProcessId, STATUS_CHANGED_EVENT, Status, TIMESTAMP_RULE, parse_utc_timestamp,
};
use crate::verdict::{Failure, InputClass, RuleId};
use chrono::{DateTime, TimeDelta, Utc};
#[cfg(test)]
use model::DAY_NS;
use model::{Expected, MS_NS, ModelState};
use std::collections::HashMap;
use std::sync::Arc;

/// How much later than `createdAt` + N days `gracePeriodEndsAt` may be.
///
/// The Backbone reads the clock twice, once for `CreatedAt` and once for
/// `GracePeriodEndsAt` (nmshd/backbone `IdentityDeletionProcess.cs`), so the
/// second can be a millisecond or so later; never earlier. Five milliseconds
/// cover that and nothing more: a grace period a second short still fails.
pub const GRACE_PERIOD_TOLERANCE_MS: i64 = 5;

/// The grace period a process got, as a waiver pins it (`value = "14
/// days"`): `length` (`gracePeriodEndsAt` − `createdAt`) when it is a whole
/// number of days under the tolerance of [`grace_period_matches`].
pub fn grace_length_value(length: TimeDelta) -> Option<String> {
    let days = length.num_days();
    grace_period_matches(length, days.saturating_mul(model::DAY_MS)).then(|| format!("{days} days"))
}

/// Whether `length` (`gracePeriodEndsAt` − `createdAt`, at full precision)
/// is a grace period of `expected_ms` under the tolerance: never shorter, at
/// most [`GRACE_PERIOD_TOLERANCE_MS`] longer.
pub fn grace_period_matches(length: TimeDelta, expected_ms: i64) -> bool {
    let extra = length - TimeDelta::milliseconds(expected_ms);
    extra >= TimeDelta::zero() && extra <= TimeDelta::milliseconds(GRACE_PERIOD_TOLERANCE_MS)
}

/// A facade call as the oracle models it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// RID1 with an optional `lengthOfGracePeriodInDays`.
    Initiate(Option<u32>),
    /// RID2.
    Cancel,
    /// RID3 with the id as sent.
    Get(String),
    /// RID4.
    GetActive,
    /// RID5.
    GetAll,
}

impl Call {
    /// The facade function.
    pub fn function(&self) -> Function {
        match self {
            Call::Initiate(_) => Function::Initiate,
            Call::Cancel => Function::Cancel,
            Call::Get(_) => Function::Get,
            Call::GetActive => Function::GetActive,
            Call::GetAll => Function::GetAll,
        }
    }
}

/// What a call returned, when it succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Returned {
    /// One process (RID1–RID4).
    One(IdentityDeletionProcess),
    /// A list (RID5).
    Many(Vec<IdentityDeletionProcess>),
}

impl Returned {
    /// As protocol JSON.
    pub fn to_json(&self) -> String {
        match self {
            Returned::One(p) => p.to_json(),
            Returned::Many(list) => format!(
                "[{}]",
                list.iter()
                    .map(|p| p.to_json())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }
}

/// Where a timestamp of a model process must lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stamp {
    /// Inside the window of real time the call took.
    Real(Window),
    /// At this many nanoseconds of the Identity's stopped clock.
    Stopped(i64),
}

/// An Identity's clock as the suite controls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clock {
    /// Follows real time; model nanoseconds count from `origin`.
    Real { origin: DateTime<Utc> },
    /// Stopped: model nanosecond 0 is an instant within `base` (exact once observed).
    Stopped { base: Window },
}

#[derive(Debug, Clone)]
struct Seen {
    ids: Vec<Option<String>>,
    created: Vec<Stamp>,
    cancelled: Vec<Option<Stamp>>,
    /// Per process: the Device the suite named when initiating (`None`: the first).
    created_by: Vec<Option<String>>,
    /// Per process: the Device the suite named when cancelling.
    cancelled_by: Vec<Option<String>>,
    /// The Identity's first Device, once an answer named it.
    device: Option<String>,
    /// Devices the suite added (`devices` capability).
    added_devices: Vec<String>,
    clock: Clock,
}

impl Seen {
    /// Records that process `index` was cancelled at `stamp`, by `device`.
    fn cancelled_at(&mut self, index: usize, stamp: Stamp, device: Option<String>) {
        if let Some(slot) = self.cancelled.get_mut(index) {
            *slot = Some(stamp);
        }
        if let Some(slot) = self.cancelled_by.get_mut(index) {
            *slot = device;
        }
    }
}

/// The model plus what the suite observed.
#[derive(Debug, Clone)]
pub struct Oracle {
    /// The pure model.
    pub model: ModelState,
    seen: Vec<Seen>,
    owners: HashMap<String, (usize, usize)>,
    /// Rules whose failures are known deviations: passed, counted, reported.
    pub waivers: Arc<Waivers>,
    /// The class of the last call's input (a malformed id), for waivers.
    input: Option<InputClass>,
    /// When and by which Device the last call was made: what a cancel the
    /// model adopts records.
    last: Option<(Stamp, Option<String>)>,
    /// The process a waived success of the last call cancelled in the model
    /// ([`Oracle::take_adopted`]).
    adopted: Option<usize>,
}

impl Default for Oracle {
    fn default() -> Self {
        Self::new()
    }
}

/// `delta` in nanoseconds, saturated (beyond ±292 years).
fn nanos(delta: TimeDelta) -> i64 {
    delta
        .num_nanoseconds()
        .unwrap_or(if delta < TimeDelta::zero() {
            i64::MIN
        } else {
            i64::MAX
        })
}

fn rule(area: &str, aspect: &str) -> RuleId {
    RuleId::of(area, aspect)
}

/// The use case whose rule a field's value follows, whatever call returned
/// it: what initiate sets is RID1's, what cancel sets or removes is RID2's.
/// So one deviation has one rule id, wherever it shows.
pub fn field_area(field: Field, cancelled: bool) -> &'static str {
    match field {
        Field::CancelledAt | Field::CancelledByDevice => "RID2",
        Field::Status | Field::GracePeriodEndsAt if cancelled => "RID2",
        _ => "RID1",
    }
}

/// An error as protocol JSON.
pub fn error_json(code: &str, message: &str) -> String {
    serde_json::json!({ "code": code, "message": message }).to_string()
}

/// The documented answer of `kind` as protocol JSON.
pub fn expected_error_json(kind: ErrorKind) -> String {
    match kind.documented_message() {
        Some(message) => error_json(kind.code(), message),
        None => format!(
            "{{\"code\":{:?},\"message\":<any non-empty message>}}",
            kind.code()
        ),
    }
}

/// Checks that `error` is `kind` with the documented message.
pub fn check_error(area: &str, kind: ErrorKind, error: &DomainError) -> Result<(), Failure> {
    let actual = error_json(&error.code, &error.message);
    if error.code != kind.code() {
        return Err(Failure::new(
            rule(area, kind.short_name()),
            "the call failed with the wrong code",
        )
        .code(&error.code)
        .expected_actual(expected_error_json(kind), actual));
    }
    match kind.documented_message() {
        Some(message) if kind.is_platform() && !error.message.contains(message) => {
            Err(Failure::new(
                rule(area, &format!("{}.message", kind.short_name())),
                "right code; the message does not contain the documented Backbone message",
            )
            .code(&error.code)
            .expected_actual(expected_error_json(kind), actual))
        }
        Some(message) if !kind.is_platform() && error.message != message => Err(Failure::new(
            rule(area, &format!("{}.message", kind.short_name())),
            "right code, wrong message",
        )
        .code(&error.code)
        .expected_actual(expected_error_json(kind), actual)),
        None if error.message.trim().is_empty() => Err(Failure::new(
            rule(area, &format!("{}.message", kind.short_name())),
            "the error has an empty message",
        )
        .code(&error.code)
        .expected_actual(expected_error_json(kind), actual)),
        _ => Ok(()),
    }
}

/// Checks that `result` failed with `kind`.
pub fn check_fails_with(
    area: &str,
    kind: ErrorKind,
    result: &Result<Returned, CallError>,
) -> Result<(), Failure> {
    match result {
        Err(CallError::Domain(e)) => check_error(area, kind, e),
        Ok(returned) => Err(Failure::new(
            rule(area, "must-fail"),
            "the call succeeded; it must fail",
        )
        .refusal(kind)
        .expected_actual(expected_error_json(kind), returned.to_json())),
        Err(CallError::Malformed(m)) => Err(Failure::new(
            rule(area, "must-fail"),
            "the call succeeded (with a malformed answer); it must fail",
        )
        .expected_actual(expected_error_json(kind), m.answer.clone())),
        // Faults are the caller's to report; a fault is never a pass.
        Err(CallError::Adapter(e)) => Err(Failure::new(rule(area, "must-fail"), e.to_string())),
    }
}

/// The rule a process that is not a DTO breaks: a `null` for an unset field
/// breaks `DTO.unset-field-absent`; a field that is always set but missing,
/// `null` or not a string breaks that field's own rule; an entry that is no
/// object breaks `<area>.answer`.
pub fn check_dto_shape(area: &str, defect: DtoDefect, answer: &str) -> Failure {
    match defect {
        DtoDefect::NotAnObject => Failure::new(rule(area, "answer"), "the answer is not a process")
            .expected_actual("a process (a JSON object)", answer.to_owned()),
        DtoDefect::Field(field, FieldDefect::Null) if !field.always_set() => Failure::new(
            RuleId::new(UNSET_FIELD_ABSENT),
            format!("`{field}` is null: a field that is not set must be absent"),
        )
        .expected_actual(format!("no `{field}`"), answer.to_owned()),
        DtoDefect::Field(field, what) => Failure::new(
            rule(field_area(field, false), field.name()),
            format!(
                "`{field}` {}",
                match what {
                    FieldDefect::NotAString => "is not a string",
                    FieldDefect::Null | FieldDefect::Missing => "is not set",
                }
            ),
        )
        .expected_actual(format!("`{field}` set (a string)"), answer.to_owned()),
    }
}

/// The rule id of a `null` where a field that is not set must be absent.
pub const UNSET_FIELD_ABSENT: &str = "DTO.unset-field-absent";

/// Checks that `device`, as `newDevice` returned it, is a Device id
/// (`DVC…`) and none of the Identity's Devices known so far (`known`).
pub fn check_new_device<'a>(
    device: &str,
    mut known: impl Iterator<Item = &'a str>,
) -> Result<(), Failure> {
    if !device.starts_with("DVC") || device.len() <= 3 {
        Err(Failure::new(
            RuleId::new("DEVICES.new-device"),
            "the new Device's id is not a Device id",
        )
        .expected_actual("a Device id (`DVC…`)", format!("{device:?}")))
    } else if known.any(|d| d == device) {
        Err(Failure::new(
            RuleId::new("DEVICES.new-device"),
            "the new Device has the id of an existing one",
        )
        .expected_actual("a new Device id", format!("{device:?}")))
    } else {
        Ok(())
    }
}

/// The failure of a call of `area`'s use case that had to succeed and was
/// refused with `e`: `<area>.succeeds`, with the code a waiver can pin and
/// `wanted` as what was expected. One shape wherever a call must succeed (a
/// step, a fuzz sequence, a burst), so one waiver covers them all.
pub fn must_succeed(
    area: &str,
    summary: impl Into<String>,
    wanted: &str,
    e: &crate::domain::DomainError,
) -> Failure {
    Failure::new(rule(area, "succeeds"), summary)
        .code(&e.code)
        .expected_actual(wanted, error_json(&e.code, &e.message))
}

/// The failure of a malformed answer of a call of `area`'s use case.
pub fn check_malformed(area: &str, m: &MalformedAnswer) -> Failure {
    let failure = check_dto_shape(area, m.defect, &m.answer);
    match m.entry {
        Some(entry) => failure.context(&format!("entry {} of the list", entry + 1)),
        None => failure,
    }
}

fn events_json(events: &[StatusChangedEvent]) -> String {
    let items: Vec<String> = events
        .iter()
        .map(|e| serde_json::json!({ "name": e.name, "data": e.data }).to_string())
        .collect();
    format!("[{}]", items.join(","))
}

fn timestamp(
    area: &str,
    field: Field,
    dto: &IdentityDeletionProcess,
) -> Result<DateTime<Utc>, Failure> {
    let Some(text) = field.value(dto) else {
        return Err(
            Failure::new(rule(area, field.name()), format!("`{field}` is not set"))
                .absent()
                .expected_actual(format!("`{field}` set"), dto.to_json()),
        );
    };
    parse_utc_timestamp(text).map_err(|e| {
        Failure::new(
            RuleId::new("DTO.timestamp-utc"),
            format!("`{field}` breaks the timestamp rule: {e}"),
        )
        .expected_actual(TIMESTAMP_RULE, format!("{text:?}"))
    })
}

impl Oracle {
    /// An oracle with no Identity.
    pub fn new() -> Self {
        Self {
            model: ModelState::new(0, false),
            seen: Vec::new(),
            owners: HashMap::new(),
            waivers: Arc::new(Waivers::default()),
            input: None,
            last: None,
            adopted: None,
        }
    }

    /// An oracle that passes failures of the rules `waivers` names.
    pub fn with_waivers(waivers: Arc<Waivers>) -> Self {
        Self {
            waivers,
            ..Self::new()
        }
    }

    /// Adds an Identity whose clock follows real time; returns its index.
    pub fn add_identity(&mut self) -> usize {
        self.model.identities.push(model::ModelIdentity::default());
        self.seen.push(Seen {
            ids: Vec::new(),
            created: Vec::new(),
            cancelled: Vec::new(),
            created_by: Vec::new(),
            cancelled_by: Vec::new(),
            added_devices: Vec::new(),
            device: None,
            clock: Clock::Real { origin: Utc::now() },
        });
        self.seen.len() - 1
    }

    /// How many Identities the oracle knows.
    pub fn identities(&self) -> usize {
        self.seen.len()
    }

    /// The Identity's clock was stopped by a call that took `window`.
    pub fn stop_clock(&mut self, identity: usize, window: Window) {
        let Some(seen) = self.seen.get_mut(identity) else {
            return;
        };
        if let Clock::Real { origin } = seen.clock {
            let now = nanos(window.earliest - origin).max(self.model.identities[identity].now_ns);
            self.model.identities[identity].now_ns = now;
            seen.clock = Clock::Stopped {
                base: window.shifted(TimeDelta::nanoseconds(-now)),
            };
        }
    }

    /// Whether the Identity's clock is stopped.
    pub fn clock_stopped(&self, identity: usize) -> bool {
        self.seen
            .get(identity)
            .is_some_and(|s| matches!(s.clock, Clock::Stopped { .. }))
    }

    /// The stopped clock of `identity` moved forward by `ms` milliseconds.
    pub fn advance_clock(&mut self, identity: usize, ms: i64) {
        self.model.advance_ms(identity, ms);
    }

    /// The id the implementation gave process `index` of `identity`.
    pub fn id_of(&self, identity: usize, index: usize) -> Option<&str> {
        self.seen
            .get(identity)
            .and_then(|s| s.ids.get(index))
            .and_then(|id| id.as_deref())
    }

    /// Which Identity's process has `id`, and its index.
    pub fn owner_of(&self, id: &str) -> Option<(usize, usize)> {
        self.owners.get(id).copied()
    }

    /// The Identity's Device, once an answer named it.
    pub fn device(&self, identity: usize) -> Option<&str> {
        self.seen.get(identity).and_then(|s| s.device.as_deref())
    }

    /// A well-formed id that names no process the suite has seen.
    pub fn unknown_id(&self, seed: u64) -> String {
        (seed..)
            .map(|s| ProcessId::from_seed(s).as_str().to_owned())
            .find(|id| !self.owners.contains_key(id))
            .unwrap_or_default()
    }

    /// The Identity got another Device, `device` as the implementation names it.
    pub fn add_device(&mut self, identity: usize, device: &str) {
        if let Some(seen) = self.seen.get_mut(identity) {
            seen.added_devices.push(device.to_owned());
        }
    }

    /// The Identity's clock was set to exactly `instant`. Model time moves
    /// forward by the difference when the clock's instant is known exactly;
    /// otherwise the clock's base becomes `instant` at the present model time.
    pub fn set_clock(&mut self, identity: usize, instant: DateTime<Utc>) {
        let Some(seen) = self.seen.get_mut(identity) else {
            return;
        };
        let now = self.model.identities[identity].now_ns;
        match seen.clock {
            Clock::Stopped { base } if base.earliest == base.latest => {
                let delta = nanos(instant - (base.earliest + TimeDelta::nanoseconds(now)));
                self.model.advance(identity, delta.max(0));
                if delta < 0 {
                    seen.clock = Clock::Stopped {
                        base: Window::exact(instant - TimeDelta::nanoseconds(now)),
                    };
                }
            }
            _ => {
                seen.clock = Clock::Stopped {
                    base: Window::exact(instant - TimeDelta::nanoseconds(now)),
                };
            }
        }
    }

    /// The instant the Identity's stopped clock shows, when known exactly.
    pub fn clock_instant(&self, identity: usize) -> Option<DateTime<Utc>> {
        match self.seen.get(identity)?.clock {
            Clock::Stopped { base } if base.earliest == base.latest => {
                Some(base.earliest + TimeDelta::nanoseconds(self.model.identities[identity].now_ns))
            }
            _ => None,
        }
    }

    /// Applies `call` of `identity`, made during `window` by its first Device,
    /// to the model; returns what a conforming implementation answers.
    pub fn apply(&mut self, identity: usize, call: &Call, window: Window) -> Expected {
        self.apply_as(identity, call, window, None)
    }

    /// [`Oracle::apply`] for a call made by `device` (`None`: the first Device).
    pub fn apply_as(
        &mut self,
        identity: usize,
        call: &Call,
        window: Window,
        device: Option<&str>,
    ) -> Expected {
        self.input = match call {
            Call::Get(id) => InputClass::of_id(id),
            _ => None,
        };
        let Some(seen) = self.seen.get(identity) else {
            return Expected::Nothing;
        };
        if let Clock::Real { origin } = seen.clock {
            let now = nanos(window.earliest - origin).max(self.model.identities[identity].now_ns);
            self.model.identities[identity].now_ns = now;
        }
        let stamp = match seen.clock {
            Clock::Real { .. } => Stamp::Real(window),
            Clock::Stopped { .. } => Stamp::Stopped(self.model.identities[identity].now_ns),
        };
        self.last = Some((stamp, device.map(str::to_owned)));
        self.adopted = None;
        let expected = match call {
            Call::Initiate(days) => self.model.initiate(identity, *days),
            Call::Cancel => self.model.cancel(identity),
            Call::Get(id) => {
                if ProcessId::parse(id).is_err() {
                    Expected::Error(ErrorKind::InvalidPropertyValue)
                } else {
                    match self.owner_of(id) {
                        Some((owner, index)) if owner == identity => Expected::Process(index),
                        _ => Expected::Error(ErrorKind::RecordNotFound),
                    }
                }
            }
            Call::GetActive => self.model.get_active(identity),
            Call::GetAll => Expected::All,
        };
        let seen = &mut self.seen[identity];
        match (call, &expected) {
            (Call::Initiate(_), Expected::Process(_)) => {
                seen.ids.push(None);
                seen.created.push(stamp);
                seen.cancelled.push(None);
                seen.created_by.push(device.map(str::to_owned));
                seen.cancelled_by.push(None);
            }
            (Call::Cancel, Expected::Process(index)) => {
                seen.cancelled_at(*index, stamp, device.map(str::to_owned));
            }
            _ => {}
        }
        expected
    }

    /// Checks a whole answer against what the model expected.
    pub fn check_answer(
        &mut self,
        identity: usize,
        function: Function,
        expected: &Expected,
        result: &Result<Returned, CallError>,
    ) -> Result<(), Failure> {
        let area = function.use_case();
        let waivers = self.waivers.clone();
        let input = self.input;
        waivers.judge(
            self.judge_answer(identity, area, expected, result)
                .map_err(|f| f.input(input)),
        )
    }

    /// Cancels the Active process of `identity` in the model where the model
    /// refused to, because a waiver passes the implementation's success
    /// (`refusal = "…"`): the model follows the implementation, so the
    /// checks after it judge the state the implementation is in instead of
    /// repeating the one deviation. `None` when no process is Active.
    fn adopt_cancel(&mut self, identity: usize) -> Option<usize> {
        let index = self.model.identities.get(identity)?.active()?;
        self.model.cancel_process(identity, index);
        if let (Some((stamp, device)), Some(seen)) =
            (self.last.clone(), self.seen.get_mut(identity))
        {
            seen.cancelled_at(index, stamp, device);
        }
        self.adopted = Some(index);
        Some(index)
    }

    /// The process a waived success of the last call cancelled in the model,
    /// once: the call changed a status, as a successful cancel does.
    pub fn take_adopted(&mut self) -> Option<usize> {
        self.adopted.take()
    }

    /// The class of the last applied call's input (`None`: nothing malformed).
    pub fn last_input(&self) -> Option<InputClass> {
        self.input
    }

    fn judge_answer(
        &mut self,
        identity: usize,
        area: &str,
        expected: &Expected,
        result: &Result<Returned, CallError>,
    ) -> Result<(), Failure> {
        match (expected, result) {
            (_, Err(CallError::Adapter(e))) => {
                Err(Failure::new(rule(area, "answer"), e.to_string()))
            }
            (Expected::Error(kind), Ok(Returned::One(dto)))
                if area == Function::Cancel.use_case() =>
            {
                let failure = check_fails_with(area, *kind, result).err();
                if let Some(failure) = &failure
                    && self.waivers.covers(failure)
                    && let Some(index) = self.adopt_cancel(identity)
                {
                    // The answer is judged as the cancel the model now made.
                    self.check_process(identity, index, dto, area)?;
                }
                failure.map_or(Ok(()), Err)
            }
            (Expected::Error(kind), result) => check_fails_with(area, *kind, result),
            (_, Err(CallError::Malformed(m))) => Err(check_malformed(area, m)),
            (Expected::Process(index), Ok(Returned::One(dto))) => {
                self.check_process(identity, *index, dto, area)
            }
            (Expected::All, Ok(Returned::Many(list))) => self.check_list(identity, list, area),
            (Expected::Nothing, _) => Ok(()),
            (_, Err(CallError::Domain(e))) => Err(must_succeed(
                area,
                "the call failed; it must succeed",
                "a successful answer",
                e,
            )),
            (_, Ok(other)) => Err(Failure::new(
                rule(area, "answer"),
                "the answer has the wrong shape",
            )
            .expected_actual(
                if matches!(expected, Expected::All) {
                    "a list of processes"
                } else {
                    "one process"
                },
                other.to_json(),
            )),
        }
    }

    /// Checks every field of `dto` against process `index` of `identity`,
    /// and binds its id to that process the first time.
    pub fn check_process(
        &mut self,
        identity: usize,
        index: usize,
        dto: &IdentityDeletionProcess,
        area: &str,
    ) -> Result<(), Failure> {
        let waivers = self.waivers.clone();
        waivers.judge(self.check_id(identity, index, dto, area))?;
        for field in Field::ALL {
            if field != Field::Id {
                waivers.judge(self.check_field(identity, index, field, dto, area))?;
            }
        }
        Ok(())
    }

    /// Associates `id`, as the implementation returned it, with process
    /// `index` of `identity`, without judging it (the Then steps do). An id
    /// already bound, or owned by another process, is left alone.
    pub fn bind(&mut self, identity: usize, index: usize, id: &str) {
        if self.owners.contains_key(id) {
            return;
        }
        if let Some(slot) = self
            .seen
            .get_mut(identity)
            .and_then(|s| s.ids.get_mut(index))
            && slot.is_none()
        {
            *slot = Some(id.to_owned());
            self.owners.insert(id.to_owned(), (identity, index));
        }
    }

    fn check_id(
        &mut self,
        identity: usize,
        index: usize,
        dto: &IdentityDeletionProcess,
        area: &str,
    ) -> Result<(), Failure> {
        if let Some(id) = self.id_of(identity, index)
            && id != dto.id
        {
            return Err(Failure::new(
                rule(area, "id"),
                format!(
                    "the answer is another process than process {} of the Identity",
                    index + 1
                ),
            )
            .expected_actual(format!("the process with id {id:?}"), dto.to_json()));
        }
        if let Err(e) = ProcessId::parse(&dto.id) {
            return Err(
                Failure::new(RuleId::new("DTO.id-format"), e.to_string()).expected_actual(
                    "`IDP` followed by 17 ASCII letters or digits",
                    format!("{:?}", dto.id),
                ),
            );
        }
        match self.owner_of(&dto.id) {
            Some(owner) if owner != (identity, index) => Err(Failure::new(
                RuleId::new("DTO.id-unique"),
                format!(
                    "the process reuses the id of process {} of Identity {}",
                    owner.1 + 1,
                    owner.0 + 1
                ),
            )
            .expected_actual("a fresh id", format!("{:?}", dto.id))),
            Some(_) => Ok(()),
            None => {
                self.bind(identity, index, &dto.id);
                Ok(())
            }
        }
    }

    /// Checks one field of `dto` against process `index` of `identity`.
    pub fn check_field(
        &mut self,
        identity: usize,
        index: usize,
        field: Field,
        dto: &IdentityDeletionProcess,
        area: &str,
    ) -> Result<(), Failure> {
        let Some(process) = self
            .model
            .identities
            .get(identity)
            .and_then(|m| m.processes.get(index))
            .cloned()
        else {
            return Err(Failure::new(
                rule(area, field.name()),
                "the model has no such process",
            ));
        };
        let area = if field == Field::Id {
            area
        } else {
            field_area(field, process.status == Status::Cancelled)
        };
        let absent = |what: &str| -> Result<(), Failure> {
            match field.value(dto) {
                None => Ok(()),
                Some(value) => Err(Failure::new(
                    rule(area, field.name()),
                    format!("`{field}` must be absent ({what})"),
                )
                .present()
                .expected_actual(format!("no `{field}`"), format!("{value:?}"))),
            }
        };
        match field {
            Field::Id => self.check_id(identity, index, dto, area),
            Field::Status => {
                if dto.status == process.status.as_str() {
                    Ok(())
                } else {
                    Err(Failure::new(rule(area, "status"), "wrong `status`")
                        .value(&dto.status)
                        .expected_actual(
                            format!("{:?}", process.status.as_str()),
                            format!("{:?}", dto.status),
                        ))
                }
            }
            Field::CreatedAt => {
                let at = timestamp(area, field, dto)?;
                let stamp = self.seen[identity].created.get(index).copied();
                self.check_stamp(identity, stamp, at, area, field)
            }
            Field::CancelledAt => match process.cancelled_ns {
                None => absent("the process is not cancelled"),
                Some(_) => {
                    let at = timestamp(area, field, dto)?;
                    let stamp = self.seen[identity].cancelled.get(index).copied().flatten();
                    self.check_stamp(identity, stamp, at, area, field)
                }
            },
            Field::GracePeriodEndsAt => match process.grace_end_ns {
                None => absent(if process.status == Status::Cancelled {
                    "cancel removes it"
                } else {
                    "the process has no grace period"
                }),
                Some(_) => {
                    let ends = timestamp(area, field, dto)?;
                    let created = timestamp(area, Field::CreatedAt, dto)?;
                    let length = process.grace_length_ns;
                    let expected = created + TimeDelta::nanoseconds(length);
                    let failure =
                        (!grace_period_matches(ends - created, length / MS_NS)).then(|| {
                            let failure = Failure::new(
                                rule(area, "gracePeriodEndsAt"),
                                format!(
                                    "`gracePeriodEndsAt` − `createdAt`: expected {}, got {}",
                                    crate::domain::format_duration(TimeDelta::nanoseconds(length)),
                                    crate::domain::format_duration(ends - created)
                                ),
                            )
                            .expected_actual(
                                format!("{:?}", crate::domain::format_instant(expected)),
                                format!("{:?}", field.value(dto).unwrap_or_default()),
                            );
                            // A grace period of whole days (under the tolerance)
                            // is an observation a waiver can pin (`value = "14 days"`).
                            match grace_length_value(ends - created) {
                                Some(value) => failure.value(&value),
                                None => failure,
                            }
                        });
                    // The grace period ends where the implementation says,
                    // within the tolerance or where a waiver covers the length
                    // it gave: every later boundary (cancel allowed while now
                    // <= gracePeriodEndsAt) is judged against that instant.
                    if failure.as_ref().is_none_or(|f| self.waivers.covers(f)) {
                        let end = process.created_ns.saturating_add(nanos(ends - created));
                        if let Some(p) = self.model.identities[identity].processes.get_mut(index) {
                            p.grace_end_ns = Some(end);
                        }
                    }
                    failure.map_or(Ok(()), Err)
                }
            },
            Field::CreatedByDevice => {
                let Some(device) = dto.created_by_device.clone() else {
                    return Err(Failure::new(
                        rule(area, field.name()),
                        "`createdByDevice` is not set",
                    )
                    .absent()
                    .expected_actual("the Device that initiated", dto.to_json()));
                };
                let named = self.seen[identity].created_by.get(index).cloned().flatten();
                self.check_device(identity, &device, named, area, field)
            }
            Field::CancelledByDevice => {
                match (process.cancelled_ns, dto.cancelled_by_device.clone()) {
                    (None, _) => absent("the process is not cancelled"),
                    (Some(_), None) => Err(Failure::new(
                        rule(area, field.name()),
                        "`cancelledByDevice` is not set",
                    )
                    .absent()
                    .expected_actual("the Device that cancelled", dto.to_json())),
                    (Some(_), Some(device)) => {
                        let named = self.seen[identity]
                            .cancelled_by
                            .get(index)
                            .cloned()
                            .flatten();
                        self.check_device(identity, &device, named, area, field)
                    }
                }
            }
        }
    }

    fn check_stamp(
        &mut self,
        identity: usize,
        stamp: Option<Stamp>,
        at: DateTime<Utc>,
        area: &str,
        field: Field,
    ) -> Result<(), Failure> {
        let expected = match (stamp, self.seen[identity].clock) {
            (Some(Stamp::Real(window)), _) => window,
            (Some(Stamp::Stopped(ns)), Clock::Stopped { base }) => {
                base.shifted(TimeDelta::nanoseconds(ns))
            }
            _ => {
                return Err(Failure::new(
                    rule(area, field.name()),
                    "the model has no time for it",
                ));
            }
        };
        if !expected.contains(at) {
            return Err(Failure::new(
                rule(area, field.name()),
                format!("`{field}` is not the time of the call"),
            )
            .expected_actual(
                expected.to_string(),
                format!("{:?}", crate::domain::format_instant(at)),
            ));
        }
        if let (Some(Stamp::Stopped(ns)), Clock::Stopped { .. }) =
            (stamp, self.seen[identity].clock)
        {
            self.seen[identity].clock = Clock::Stopped {
                base: Window::exact(at - TimeDelta::nanoseconds(ns)),
            };
        }
        Ok(())
    }

    /// `device` must be the Device that made the call: `named` when the suite
    /// named one, else the Identity's first Device (learned from the first
    /// answer, and never a Device the suite added or another Identity's).
    fn check_device(
        &mut self,
        identity: usize,
        device: &str,
        named: Option<String>,
        area: &str,
        field: Field,
    ) -> Result<(), Failure> {
        if !device.starts_with("DVC") || device.len() <= 3 {
            return Err(Failure::new(
                rule(area, field.name()),
                format!("`{field}` is not a Device id"),
            )
            .expected_actual("a Device id (`DVC…`)", format!("{device:?}")));
        }
        if let Some(named) = named {
            return if named == device {
                Ok(())
            } else {
                Err(Failure::new(
                    rule(area, field.name()),
                    format!("`{field}` is not the Device that made the call"),
                )
                .expected_actual(format!("{named:?}"), format!("{device:?}")))
            };
        }
        if self.seen[identity]
            .added_devices
            .iter()
            .any(|d| d == device)
        {
            return Err(Failure::new(
                rule(area, field.name()),
                format!(
                    "`{field}` names another Device of the Identity, not the one that made the call"
                ),
            )
            .expected_actual(
                self.seen[identity].device.as_deref().map_or_else(
                    || "the Identity's first Device".to_owned(),
                    |d| format!("{d:?}"),
                ),
                format!("{device:?}"),
            ));
        }
        match self.seen[identity].device.clone() {
            Some(known) if known == device => Ok(()),
            Some(known) => Err(Failure::new(
                rule(area, field.name()),
                format!("`{field}` is not the Device that made the call"),
            )
            .expected_actual(format!("{known:?}"), format!("{device:?}"))),
            None => {
                if let Some(other) = self
                    .seen
                    .iter()
                    .position(|s| s.device.as_deref() == Some(device))
                {
                    return Err(Failure::new(
                        rule(area, field.name()),
                        format!(
                            "`{field}` names the Device of Identity {}, not the caller's",
                            other + 1
                        ),
                    )
                    .expected_actual("the calling Identity's own Device", format!("{device:?}")));
                }
                self.seen[identity].device = Some(device.to_owned());
                Ok(())
            }
        }
    }

    /// Checks what `identity`'s `takeEvents` returned against the status
    /// changes the suite made on it since its last read (`changes`: the
    /// processes the successful initiates and cancels returned, in call
    /// order). Each change has exactly one event, in the order the changes
    /// took effect, whose data is the returned process (timestamps compared as
    /// instants); an event of another Identity's process must not appear
    /// (docs/domain.md#events).
    pub fn check_events(
        &self,
        identity: usize,
        changes: &[IdentityDeletionProcess],
        published: &[StatusChangedEvent],
    ) -> Result<(), Failure> {
        let expected_json = || {
            events_json(
                &changes
                    .iter()
                    .map(StatusChangedEvent::carrying)
                    .collect::<Vec<_>>(),
            )
        };
        if let Some(event) = published.iter().find(|e| e.name != STATUS_CHANGED_EVENT) {
            return Err(
                Failure::new(RuleId::new("EVENT.name"), "an event has the wrong name")
                    .expected_actual(
                        format!("{STATUS_CHANGED_EVENT:?}"),
                        format!("{:?}", event.name),
                    ),
            );
        }
        let foreign = published.iter().find_map(|e| {
            let id = e.data.get(Field::Id.name())?.as_str()?;
            self.owner_of(id)
                .filter(|(owner, _)| *owner != identity)
                .map(|(owner, _)| owner)
        });
        if let Some(owner) = foreign {
            return Err(Failure::new(
                RuleId::new("EVENT.own-identity"),
                format!(
                    "Identity {}'s events hold an event of Identity {}'s process",
                    identity + 1,
                    owner + 1
                ),
            )
            .expected_actual(expected_json(), events_json(published)));
        }
        if changes.is_empty() && !published.is_empty() {
            return Err(Failure::new(
                RuleId::new("EVENT.none-without-change"),
                "an event was published although no status changed",
            )
            .expected_actual("no event", events_json(published)));
        }
        if published.len() != changes.len() {
            return Err(Failure::new(
                RuleId::new("EVENT.once"),
                format!(
                    "{} status changes, {} status-changed events",
                    changes.len(),
                    published.len()
                ),
            )
            .expected_actual(expected_json(), events_json(published)));
        }
        let carried: Vec<Result<IdentityDeletionProcess, DtoDefect>> = published
            .iter()
            .map(|e| IdentityDeletionProcess::from_json(&e.data))
            .collect();
        if let Some(defect) = carried.iter().find_map(|c| match c {
            Err(d @ DtoDefect::Field(field, FieldDefect::Null)) if !field.always_set() => Some(*d),
            _ => None,
        }) {
            return Err(check_dto_shape("EVENT", defect, &events_json(published))
                .context("the data of a status-changed event"));
        }
        let matches = |dto: &IdentityDeletionProcess,
                       c: &Result<IdentityDeletionProcess, DtoDefect>| {
            c.as_ref().is_ok_and(|p| p.same_as(dto))
        };
        if changes.iter().zip(&carried).all(|(dto, c)| matches(dto, c)) {
            return Ok(());
        }
        // The same events, in another order?
        let mut unused: Vec<&Result<IdentityDeletionProcess, DtoDefect>> = carried.iter().collect();
        let permuted =
            changes
                .iter()
                .all(|dto| match unused.iter().position(|c| matches(dto, c)) {
                    Some(at) => {
                        unused.swap_remove(at);
                        true
                    }
                    None => false,
                });
        Err(if permuted {
            Failure::new(
                RuleId::new("EVENT.order"),
                "the events are not in the order the status changes took effect",
            )
        } else {
            Failure::new(
                RuleId::new("EVENT.data"),
                "an event does not carry the process its call returned",
            )
        }
        .expected_actual(expected_json(), events_json(published)))
    }

    /// Checks a whole list against the Identity's processes, in creation order.
    pub fn check_list(
        &mut self,
        identity: usize,
        list: &[IdentityDeletionProcess],
        area: &str,
    ) -> Result<(), Failure> {
        let count = self
            .model
            .identities
            .get(identity)
            .map_or(0, |m| m.processes.len());
        if list.len() != count {
            return Err(Failure::new(
                rule(area, "complete"),
                format!(
                    "the list has {} processes, the Identity has {count}",
                    list.len()
                ),
            )
            .expected_actual(
                self.describe_list(identity),
                Returned::Many(list.to_vec()).to_json(),
            ));
        }
        // Every entry one of the Identity's known processes, but not in
        // creation order: one rule, `<area>.order`, as the steps file it.
        let places: Vec<Option<usize>> = list
            .iter()
            .map(|dto| match self.owner_of(&dto.id) {
                Some((owner, index)) if owner == identity => Some(index),
                _ => None,
            })
            .collect();
        if places.iter().all(Option::is_some)
            && places
                .iter()
                .enumerate()
                .any(|(at, place)| *place != Some(at))
        {
            let mut sorted: Vec<usize> = places.iter().flatten().copied().collect();
            sorted.sort_unstable();
            sorted.dedup();
            if sorted.len() == count {
                return Err(
                    Failure::new(rule(area, "order"), "the list is not in creation order")
                        .expected_actual(
                            self.describe_list(identity),
                            Returned::Many(list.to_vec()).to_json(),
                        ),
                );
            }
        }
        for (index, dto) in list.iter().enumerate().take(count) {
            self.check_process(identity, index, dto, area)
                .map_err(|f| f.context(&format!("entry {} of the list", index + 1)))?;
        }
        Ok(())
    }

    /// The model's processes of `identity`, in words, for messages.
    pub fn describe_list(&self, identity: usize) -> String {
        let Some(model) = self.model.identities.get(identity) else {
            return "[]".to_owned();
        };
        let items: Vec<String> = model
            .processes
            .iter()
            .enumerate()
            .map(|(i, p)| match self.id_of(identity, i) {
                Some(id) => format!("{{\"id\":{id:?},\"status\":{:?}}}", p.status.as_str()),
                None => format!("{{\"status\":{:?}}}", p.status.as_str()),
            })
            .collect();
        format!("[{}]", items.join(","))
    }
}

#[cfg(test)]
mod rejections;
#[cfg(test)]
mod tests;
