//! The typed phrases of the suite: what each step says, with its parameters.

use crate::adapter::Capability;
use crate::domain::{ErrorKind, Field, Function, STATUS_CHANGED_EVENT, Status};
use std::fmt;

/// The kind of step a phrase is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// `Given`
    Given,
    /// `When`
    When,
    /// `Then`
    Then,
}

/// A parameter of a facade call, as a When step names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// `lengthOfGracePeriodInDays`, with its value when given.
    GracePeriodDays(Option<u32>),
    /// `id`, with a literal value when given (else the scenario's chosen id).
    Id(Option<String>),
}

impl Param {
    /// The parameter's name on the facade.
    pub const fn name(&self) -> &'static str {
        match self {
            Param::GracePeriodDays(_) => "lengthOfGracePeriodInDays",
            Param::Id(_) => "id",
        }
    }
}

/// What a "No IdentityDeletionProcess can be …" consequence says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `initiated`: no process was created.
    Initiated,
    /// `cancelled`: no process changed its status.
    Cancelled,
    /// `returned`: the call returned no process.
    Returned,
}

impl Refusal {
    /// The verb as written.
    pub const fn verb(self) -> &'static str {
        match self {
            Refusal::Initiated => "initiated",
            Refusal::Cancelled => "cancelled",
            Refusal::Returned => "returned",
        }
    }
}

/// How a `get` mutates the id of one of the Identity's processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdMutation {
    /// The case of its first letter after `IDP` flipped: well-formed, unknown.
    /// An id with no letter after `IDP` (all digits, a legal alphabet) has
    /// its last character replaced by a letter instead: as well-formed, and
    /// as unknown, since the implementation's ids have no letter.
    CaseFlipped,
    /// A space before it: malformed.
    LeadingSpace,
    /// A space after it: malformed.
    TrailingSpace,
    /// Its last character replaced by `Ä`: malformed.
    NonAscii,
}

impl IdMutation {
    /// Every mutation.
    pub const ALL: [IdMutation; 4] = [
        IdMutation::CaseFlipped,
        IdMutation::LeadingSpace,
        IdMutation::TrailingSpace,
        IdMutation::NonAscii,
    ];

    /// The words of the phrase.
    pub const fn words(self) -> &'static str {
        match self {
            IdMutation::CaseFlipped => "one letter's case flipped",
            IdMutation::LeadingSpace => "a leading space",
            IdMutation::TrailingSpace => "a trailing space",
            IdMutation::NonAscii => "one character replaced by a non-ASCII letter",
        }
    }

    /// `id` mutated; `None` when it is too short to mutate.
    pub fn apply(self, id: &str) -> Option<String> {
        match self {
            IdMutation::CaseFlipped => {
                let (prefix, suffix) = id.split_at_checked(3)?;
                let mut chars: Vec<char> = suffix.chars().collect();
                let Some(at) = chars.iter().position(char::is_ascii_alphabetic) else {
                    let last = chars.last_mut()?;
                    *last = 'A';
                    return Some(format!("{prefix}{}", chars.into_iter().collect::<String>()));
                };
                let c = chars[at];
                chars[at] = if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                };
                Some(format!("{prefix}{}", chars.into_iter().collect::<String>()))
            }
            IdMutation::LeadingSpace => Some(format!(" {id}")),
            IdMutation::TrailingSpace => Some(format!("{id} ")),
            IdMutation::NonAscii => {
                let mut chars: Vec<char> = id.chars().collect();
                let last = chars.last_mut()?;
                *last = 'Ä';
                Some(chars.into_iter().collect())
            }
        }
    }
}

/// Every phrase the suite understands, with typed parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phrase {
    // ---- Given ----
    /// The Identity has an Active process; `defined` when the page adds the
    /// definition "i.e. an IdentityDeletionProcess with "Active" as status";
    /// `grace_not_over` when it adds "whose grace period is not over".
    HasActive {
        /// The "i.e." definition is part of the text.
        defined: bool,
        /// "whose grace period is not over" is part of the text.
        grace_not_over: bool,
    },
    /// The Identity has a process (any status).
    HasProcess,
    /// A cancelled process, then an Active one initiated after it.
    HasCancelledThenActive,
    /// The Identity has no Active process.
    HasNoActive,
    /// The Identity has no process at all.
    HasNone,
    /// The id to get names no process of the Identity.
    UnknownId,
    /// The id to get is malformed.
    MalformedId,
    /// The Identity initiated a process, with an optional grace period.
    HasInitiated(Option<u32>),
    /// The Identity cancelled its Active process.
    HasCancelled,
    /// Another Identity initiated a process; its id is the one to get.
    OtherIdentityHasInitiated,
    /// The grace period of the Active process is over; `defined` when the
    /// page adds "i.e. the current time is later than its gracePeriodEndsAt".
    GracePeriodOver {
        /// The "i.e." definition is part of the text.
        defined: bool,
    },
    /// The Identity's clock moves forward (Given or When).
    ClockAdvances {
        /// Whole days.
        days: u64,
        /// Milliseconds on top.
        millis: u64,
    },
    /// The Identity's clock stops (Given or When).
    ClockStopped,
    /// The Identity's clock is set to an absolute UTC instant (Given or When).
    ClockSetTo(String),
    /// The Identity's clock (instant known exactly) is set to 1 ms after the
    /// `gracePeriodEndsAt` its Active process was returned with (which may
    /// lie up to 5 ms after `createdAt` + N days).
    ClockSetPastGraceEnd,
    /// The Identity's clock (instant known exactly) is set this many ms from the
    /// next change of UTC offset of a zone of [`crate::oracle::dst::ZONES`].
    ClockNearDst(i64),
    /// The Identity gets a second Device (`devices` capability).
    HasSecondDevice,
    /// The Identity initiated and cancelled this many processes, one after the other.
    HasCycles(usize),
    // ---- When ----
    /// The Identity calls a facade function.
    Calls(Function, Vec<Param>),
    /// The Identity calls initiate or cancel K times at once.
    CallsConcurrently(Function, usize),
    /// The Identity calls initiate or cancel from its Device number N (1: the first).
    CallsFrom(Function, usize),
    /// The Identity gets one of its process ids, mutated.
    CallsGetMutated(IdMutation),
    /// The Identity calls initiate and cancel N times at once, alternating.
    CallsBurst(usize),
    // ---- Then ----
    /// RID1: a new process with this status exists.
    Creates(Status),
    /// RID1/RID2: the call returned the process it initiated or cancelled.
    ReturnsChanged(Status),
    /// RID2: the Active process changed status.
    ChangesStatus(Status, Status),
    /// RID2: the cancellation's time and Device are recorded in these fields.
    RecordsCancellation(Field, Field),
    /// RID2: a field is removed.
    Removes(Field),
    /// RID3: the process with the given id.
    ReturnsById,
    /// RID4: the Identity's process with this status (`None`: "the active").
    ReturnsWithStatus(Option<Status>),
    /// RID5: every process of the Identity.
    ReturnsEvery,
    /// RID5: in creation order.
    ReturnsInCreationOrder,
    /// The call fails with the error the scenario's situation calls for.
    CallFails,
    /// The consequence of a failure bullet.
    NoProcessCanBe(Refusal),
    /// The call succeeded.
    CallSucceeds,
    /// The call failed with this documented error.
    CallFailsWith(ErrorKind),
    /// The returned process has this status.
    ReturnedHasStatus(Status),
    /// The grace period of the returned process lasts this many days.
    GracePeriodLasts(u32),
    /// A field of the returned process is set (to the right value) or absent.
    FieldPresence(Field, bool),
    /// The returned id is well-formed.
    IdFormat,
    /// `createdAt` and another field follow the timestamp rule.
    TimestampsUtc(Field),
    /// RID3 with the returned id gives the same process.
    GetReturnsSame,
    /// RID4 gives the same process.
    GetActiveReturnsSame,
    /// The returned list is empty.
    ListEmpty,
    /// The returned list has these statuses, in order.
    ListStatuses(Vec<Status>),
    /// Exactly one of the concurrent calls succeeded.
    ExactlyOneSucceeds,
    /// Every other concurrent call failed with this error.
    OthersFailWith(ErrorKind),
    /// The Identity has exactly one Active process.
    ExactlyOneActive,
    /// Exactly one status-changed event, carrying the returned process.
    EventCarriesReturned,
    /// No status-changed event was published by the call.
    NoEvent,
    /// A Device field of the returned process names the Identity's Device number N.
    FieldIsDevice(Field, usize),
    /// A timestamp field of the returned process is exactly this instant.
    FieldIsInstant(Field, String),
    /// The returned list has exactly N entries.
    ListHasEntries(usize),
    /// The other Identity's processes are as the oracle knows them.
    OtherIdentityUnchanged,
    /// Some serial order of the burst's calls explains every answer and the final state.
    BurstSerializable,
    /// The other Identity's events are exactly those of its own status changes.
    OtherIdentityEvents,
    /// The Identity has this many Devices (`devices` capability; at least 2).
    HasDevices(usize),
    /// The Identity calls initiate or cancel K times at once, the calls made
    /// by its Devices in turn (`devices` capability).
    CallsConcurrentlyFromDevices(Function, usize),
}

impl Phrase {
    /// Whether the phrase makes calls at the same time: a scenario with it
    /// is race-sensitive (its outcome may depend on how the calls interleave).
    pub fn concurrent(&self) -> bool {
        matches!(
            self,
            Phrase::CallsConcurrently(..)
                | Phrase::CallsBurst(_)
                | Phrase::CallsConcurrentlyFromDevices(..)
        )
    }

    /// The capability a scenario with this phrase needs.
    pub fn capability(&self) -> Option<Capability> {
        match self {
            Phrase::GracePeriodOver { .. }
            | Phrase::ClockAdvances { .. }
            | Phrase::ClockStopped => Some(Capability::Clock),
            Phrase::ClockSetTo(_) | Phrase::ClockNearDst(_) | Phrase::ClockSetPastGraceEnd => {
                Some(Capability::SetClock)
            }
            Phrase::EventCarriesReturned | Phrase::NoEvent | Phrase::OtherIdentityEvents => {
                Some(Capability::Events)
            }
            Phrase::HasSecondDevice
            | Phrase::FieldIsDevice(..)
            | Phrase::HasDevices(_)
            | Phrase::CallsConcurrentlyFromDevices(..) => Some(Capability::Devices),
            Phrase::CallsFrom(_, device) if *device > 1 => Some(Capability::Devices),
            _ => None,
        }
    }
}

/// The When text `the <actor> calls <function> [with <parameters>]`: the one
/// emitter of call steps, for the generator (any page) and for [`Phrase::Calls`].
pub fn call_text(actor: &str, function: &str, parameters: &[String]) -> String {
    let mut text = format!("the {actor} calls {function}");
    if let Some((last, rest)) = parameters.split_last() {
        text.push_str(" with ");
        if !rest.is_empty() {
            text.push_str(&rest.join(", "));
            text.push_str(" and ");
        }
        text.push_str(last);
    }
    text
}

/// The state a success scenario starts from when its page gives no
/// precondition and no failure condition to derive one from: more than one
/// process, of every status, in a known order, so that an outcome about "all"
/// of them (which, in which order) is observable, not vacuous.
pub fn witness_state() -> String {
    Phrase::HasCancelledThenActive.to_string()
}

/// The Then text every failure scenario starts with.
pub const CALL_FAILS: &str = "the call fails";

/// The actor of every call phrase.
pub const ACTOR: &str = "Identity";

fn quoted(status: Status) -> String {
    format!("`\"{status}\"`")
}

impl fmt::Display for Phrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let active = quoted(Status::Active);
        match self {
            Phrase::HasActive {
                defined,
                grace_not_over,
            } => {
                if *defined {
                    write!(
                        f,
                        "there is already an active IdentityDeletionProcess, i.e. an IdentityDeletionProcess with {active} as `status`, for this Identity"
                    )?;
                } else {
                    write!(
                        f,
                        "the Identity has an IdentityDeletionProcess with {active} as `status`"
                    )?;
                }
                if *grace_not_over {
                    f.write_str(" whose grace period is not over")?;
                }
                Ok(())
            }
            Phrase::HasProcess => f.write_str("the Identity has an IdentityDeletionProcess"),
            Phrase::HasCancelledThenActive => write!(
                f,
                "the Identity has a cancelled IdentityDeletionProcess and an IdentityDeletionProcess with {active} as `status` that was initiated after it"
            ),
            Phrase::HasNoActive => write!(
                f,
                "the Identity has no IdentityDeletionProcess with {active} as `status`"
            ),
            Phrase::HasNone => f.write_str("the Identity has no IdentityDeletionProcess"),
            Phrase::UnknownId => {
                f.write_str("the Identity has no IdentityDeletionProcess with the given `id`")
            }
            Phrase::MalformedId => {
                f.write_str("the given `id` is not a valid IdentityDeletionProcess id")
            }
            Phrase::HasInitiated(None) => {
                f.write_str("the Identity has initiated an IdentityDeletionProcess")
            }
            Phrase::HasInitiated(Some(days)) => write!(
                f,
                "the Identity has initiated an IdentityDeletionProcess with `lengthOfGracePeriodInDays` {days}"
            ),
            Phrase::HasCancelled => {
                f.write_str("the Identity has cancelled its active IdentityDeletionProcess")
            }
            Phrase::OtherIdentityHasInitiated => {
                f.write_str("another Identity has initiated an IdentityDeletionProcess")
            }
            Phrase::GracePeriodOver { defined } => {
                write!(
                    f,
                    "the grace period of the IdentityDeletionProcess with {active} as `status` is already over"
                )?;
                if *defined {
                    f.write_str(", i.e. the current time is later than its `gracePeriodEndsAt`")?;
                }
                Ok(())
            }
            Phrase::ClockAdvances { days, millis } => {
                write!(
                    f,
                    "the Identity's clock advances by {days} {}",
                    plural(*days, "day")
                )?;
                if *millis > 0 {
                    write!(f, " and {millis} {}", plural(*millis, "millisecond"))?;
                }
                Ok(())
            }
            Phrase::ClockStopped => f.write_str("the Identity's clock is stopped"),
            Phrase::ClockSetTo(instant) => write!(f, "the Identity's clock is set to {instant}"),
            Phrase::ClockSetPastGraceEnd => {
                f.write_str("the Identity's clock is set to 1 ms after its `gracePeriodEndsAt`")
            }
            Phrase::ClockNearDst(offset) => write!(
                f,
                "the Identity's clock is set {offset} ms from the next daylight-saving change"
            ),
            Phrase::HasSecondDevice => f.write_str("the Identity has a second Device"),
            Phrase::HasCycles(n) => write!(
                f,
                "the Identity has initiated and cancelled {n} IdentityDeletionProcesses, one after the other"
            ),
            Phrase::Calls(function, params) => {
                let params: Vec<String> = params
                    .iter()
                    .map(|p| match p {
                        Param::GracePeriodDays(Some(days)) => format!("`{}` {days}", p.name()),
                        Param::Id(Some(id)) => format!("`{}` {id:?}", p.name()),
                        Param::GracePeriodDays(None) | Param::Id(None) => format!("`{}`", p.name()),
                    })
                    .collect();
                f.write_str(&call_text(ACTOR, function.name(), &params))
            }
            Phrase::CallsConcurrently(function, times) => {
                write!(
                    f,
                    "the Identity calls {function} {times} times concurrently"
                )
            }
            Phrase::CallsFrom(function, device) => {
                write!(f, "the Identity calls {function} from Device {device}")
            }
            Phrase::CallsGetMutated(mutation) => write!(
                f,
                "the Identity calls {} with the `id` of its IdentityDeletionProcess with {}",
                Function::Get,
                mutation.words()
            ),
            Phrase::CallsBurst(n) => write!(
                f,
                "the Identity calls {} and {} {n} times concurrently, alternating",
                Function::Initiate,
                Function::Cancel
            ),
            Phrase::Creates(status) => write!(
                f,
                "Creates an IdentityDeletionProcess with {} as `status`.",
                quoted(*status)
            ),
            Phrase::ReturnsChanged(status) => write!(
                f,
                "Returns the {} IdentityDeletionProcess.",
                match status {
                    Status::Active => "initiated",
                    Status::Cancelled => "cancelled",
                }
            ),
            Phrase::ChangesStatus(from, to) => write!(
                f,
                "Changes the `status` of the IdentityDeletionProcess from {} to {}.",
                quoted(*from),
                quoted(*to)
            ),
            Phrase::RecordsCancellation(time, device) => write!(
                f,
                "Records the time of the cancellation in `{time}` and the cancelling Device in `{device}`."
            ),
            Phrase::Removes(field) => {
                write!(f, "Removes `{field}` from the IdentityDeletionProcess.")
            }
            Phrase::ReturnsById => {
                f.write_str("Returns the IdentityDeletionProcess with the given `id`.")
            }
            Phrase::ReturnsWithStatus(None) => {
                f.write_str("Returns the active IdentityDeletionProcess.")
            }
            Phrase::ReturnsWithStatus(Some(status)) => write!(
                f,
                "Returns the IdentityDeletionProcess of the Identity that has {} as `status`.",
                quoted(*status)
            ),
            Phrase::ReturnsEvery => f.write_str(
                "Returns every IdentityDeletionProcess of the Identity, whatever its `status`.",
            ),
            Phrase::ReturnsInCreationOrder => f.write_str(
                "Returns the IdentityDeletionProcesses in the order in which they were created.",
            ),
            Phrase::CallFails => f.write_str(CALL_FAILS),
            Phrase::NoProcessCanBe(refusal) => {
                write!(f, "No IdentityDeletionProcess can be {}", refusal.verb())
            }
            Phrase::CallSucceeds => f.write_str("the call succeeds"),
            Phrase::CallFailsWith(kind) => write!(f, "the call fails with `{}`", kind.code()),
            Phrase::ReturnedHasStatus(status) => write!(
                f,
                "the returned IdentityDeletionProcess has {} as `status`",
                quoted(*status)
            ),
            Phrase::GracePeriodLasts(days) => write!(
                f,
                "its `gracePeriodEndsAt` is {days} {} after its `createdAt`",
                plural(u64::from(*days), "day")
            ),
            Phrase::FieldPresence(field, set) => {
                write!(
                    f,
                    "its `{field}` is {}",
                    if *set { "set" } else { "absent" }
                )
            }
            Phrase::IdFormat => f.write_str("its `id` is `IDP` followed by 17 letters or digits"),
            Phrase::TimestampsUtc(field) => {
                write!(
                    f,
                    "its `createdAt` and `{field}` are ISO-8601 timestamps in UTC"
                )
            }
            Phrase::GetReturnsSame => f.write_str(
                "getIdentityDeletionProcess with its `id` returns the same IdentityDeletionProcess",
            ),
            Phrase::GetActiveReturnsSame => f.write_str(
                "getActiveIdentityDeletionProcess returns the same IdentityDeletionProcess",
            ),
            Phrase::ListEmpty => f.write_str("the returned list is empty"),
            Phrase::ListStatuses(statuses) => {
                let list: Vec<String> = statuses.iter().map(|s| format!("\"{s}\"")).collect();
                write!(
                    f,
                    "the returned list has the statuses {} in this order",
                    list.join(", ")
                )
            }
            Phrase::ExactlyOneSucceeds => f.write_str("exactly one of the calls succeeds"),
            Phrase::OthersFailWith(kind) => {
                write!(f, "every other call fails with `{}`", kind.code())
            }
            Phrase::ExactlyOneActive => write!(
                f,
                "the Identity has exactly one IdentityDeletionProcess with {active} as `status`"
            ),
            Phrase::EventCarriesReturned => write!(
                f,
                "exactly one `{STATUS_CHANGED_EVENT}` event was published, carrying the returned IdentityDeletionProcess"
            ),
            Phrase::NoEvent => write!(f, "no `{STATUS_CHANGED_EVENT}` event was published"),
            Phrase::FieldIsDevice(field, device) => write!(f, "its `{field}` is Device {device}"),
            Phrase::FieldIsInstant(field, instant) => write!(f, "its `{field}` is {instant}"),
            Phrase::ListHasEntries(n) => write!(f, "the returned list has {n} entries"),
            Phrase::OtherIdentityUnchanged => {
                f.write_str("the other Identity's IdentityDeletionProcesses are unchanged")
            }
            Phrase::BurstSerializable => f.write_str(
                "some serial order of the calls explains every answer and the final state",
            ),
            Phrase::OtherIdentityEvents => write!(
                f,
                "the other Identity's `{STATUS_CHANGED_EVENT}` events are exactly those of its own calls"
            ),
            Phrase::HasDevices(n) => write!(f, "the Identity has {n} Devices"),
            Phrase::CallsConcurrentlyFromDevices(function, times) => write!(
                f,
                "the Identity calls {function} {times} times concurrently, from its Devices in turn"
            ),
        }
    }
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}
