//! The grammar: one pattern per phrase, and how its captures become typed parameters.
//!
//! Patterns accept the wordings of the published use-case pages (and of our
//! hand-written features); [`super::Phrase`]'s `Display` writes the canonical
//! wording. A test proves that every emitted phrase parses back to itself and
//! matches exactly one pattern.

use super::phrase::{IdMutation, Param, Phrase, Refusal, StepKind};
use crate::domain::{ErrorKind, Field, Function, STATUS_CHANGED_EVENT, Status};
use regex::{Captures, Regex};
use std::sync::LazyLock;

/// Builds a phrase from a match of its pattern.
pub type Build = fn(&Captures<'_>) -> Result<Phrase, String>;

/// One definition: the step kinds it is written as, its pattern, its builder.
pub struct Definition {
    /// The step kinds (a clock phrase reads as Given and as When).
    pub kinds: &'static [StepKind],
    /// The anchored pattern.
    pub pattern: Regex,
    /// Turns captures into the typed phrase.
    pub build: Build,
}

const GIVEN: &[StepKind] = &[StepKind::Given];
const WHEN: &[StepKind] = &[StepKind::When];
const THEN: &[StepKind] = &[StepKind::Then];
const GIVEN_OR_WHEN: &[StepKind] = &[StepKind::Given, StepKind::When];

/// `"Active"` in backticks (the pages quote status values).
const ACTIVE: &str = r#"`"Active"`"#;
/// A quoted status in backticks, captured.
const STATUS: &str = r#"`"(\w+)"`"#;
/// Functions the call phrase knows: exactly the five of [`Function`].
static FUNCTIONS: LazyLock<String> = LazyLock::new(|| {
    Function::ALL
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join("|")
});

fn text(caps: &Captures<'_>, name: &str) -> Option<String> {
    caps.name(name).map(|m| m.as_str().to_owned())
}

fn status(name: &str) -> Result<Status, String> {
    Status::parse(name)
        .ok_or_else(|| format!("`{name}` is not a status of an IdentityDeletionProcess"))
}

fn field(name: &str) -> Result<Field, String> {
    Field::parse(name).ok_or_else(|| format!("an IdentityDeletionProcess has no field `{name}`"))
}

fn error_kind(code: &str) -> Result<ErrorKind, String> {
    ErrorKind::from_code(code).ok_or_else(|| format!("`{code}` is not a documented error code"))
}

/// An instant under the timestamp rule, kept as written.
fn instant(text: &str) -> Result<String, String> {
    crate::domain::parse_utc_timestamp(text).map(|_| text.to_owned())
}

fn number<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("`{text}` is not a {what} (too large, or not a number)"))
}

/// Parameters written after `with`: "`name`" or "`name` value", joined by ", " and " and ".
fn parameters(function: Function, text: &str) -> Result<Vec<Param>, String> {
    let mut params = Vec::new();
    for item in text.split(", ").flat_map(|part| part.split(" and ")) {
        let item = item.trim();
        let Some((name, value)) = item.strip_prefix('`').and_then(|rest| rest.split_once('`'))
        else {
            return Err(format!(
                "the parameter `{item}` is not understood: name it in backticks"
            ));
        };
        if !function.parameters().contains(&name) {
            return Err(format!(
                "{function} has no parameter `{name}` (it takes: {})",
                if function.parameters().is_empty() {
                    "none".to_owned()
                } else {
                    function.parameters().join(", ")
                }
            ));
        }
        let value = value.trim();
        let value = (!value.is_empty()).then(|| value.trim_matches('"').to_owned());
        params.push(match name {
            "lengthOfGracePeriodInDays" => Param::GracePeriodDays(
                value
                    .map(|v| number::<u32>(&v, "number of days"))
                    .transpose()?,
            ),
            _ => Param::Id(value),
        });
    }
    Ok(params)
}

fn def(kinds: &'static [StepKind], pattern: &str, build: Build) -> Definition {
    let pattern = format!("^{pattern}$");
    let pattern = Regex::new(&pattern)
        .unwrap_or_else(|e| panic!("the pattern {pattern} does not compile: {e}"));
    Definition {
        kinds,
        pattern,
        build,
    }
}

/// Every definition of the vocabulary.
pub static DEFINITIONS: LazyLock<Vec<Definition>> = LazyLock::new(|| {
    let event = regex::escape(STATUS_CHANGED_EVENT);
    let functions = FUNCTIONS.as_str();
    vec![
        // ---- Given ----
        def(
            GIVEN,
            &format!(
                r"(?:[Tt]he Identity has|there is already) (?:an active IdentityDeletionProcess(?P<ie>, i\.e\. an IdentityDeletionProcess with {ACTIVE} as `status`,)?|an IdentityDeletionProcess with {ACTIVE} as `status`)(?: for this Identity)?(?P<grace> whose grace period is not over)?\.?"
            ),
            |c| {
                Ok(Phrase::HasActive {
                    defined: c.name("ie").is_some(),
                    grace_not_over: c.name("grace").is_some(),
                })
            },
        ),
        def(
            GIVEN,
            r"[Tt]he Identity has an IdentityDeletionProcess\.?",
            |_| Ok(Phrase::HasProcess),
        ),
        def(
            GIVEN,
            &format!(
                r"[Tt]he Identity has a cancelled IdentityDeletionProcess and (?:an active IdentityDeletionProcess|an IdentityDeletionProcess with {ACTIVE} as `status`) that was initiated after it\.?"
            ),
            |_| Ok(Phrase::HasCancelledThenActive),
        ),
        def(
            GIVEN,
            &format!(
                r"(?:[Tt]he Identity has no|none has|there is no|none is) (?:active IdentityDeletionProcess|IdentityDeletionProcess with {ACTIVE} as `status`|{ACTIVE} as `status`|active)(?: for this Identity)?\.?"
            ),
            |_| Ok(Phrase::HasNoActive),
        ),
        def(
            GIVEN,
            r"[Tt]he Identity has no IdentityDeletionProcess\.?",
            |_| Ok(Phrase::HasNone),
        ),
        def(
            GIVEN,
            r"(?:[Tt]he Identity has no IdentityDeletionProcess with the given `id`|none exists with the given `id`(?: for this Identity)?)\.?",
            |_| Ok(Phrase::UnknownId),
        ),
        def(
            GIVEN,
            r"[Tt]he given `id` is not a valid IdentityDeletionProcess id\.?",
            |_| Ok(Phrase::MalformedId),
        ),
        def(
            GIVEN,
            r"the Identity has initiated an IdentityDeletionProcess(?: with `lengthOfGracePeriodInDays` (?P<days>\d+))?",
            |c| {
                Ok(Phrase::HasInitiated(
                    text(c, "days")
                        .map(|d| number::<u32>(&d, "number of days"))
                        .transpose()?,
                ))
            },
        ),
        def(
            GIVEN,
            r"the Identity has cancelled its active IdentityDeletionProcess",
            |_| Ok(Phrase::HasCancelled),
        ),
        def(
            GIVEN,
            r"another Identity has initiated an IdentityDeletionProcess",
            |_| Ok(Phrase::OtherIdentityHasInitiated),
        ),
        def(
            GIVEN_OR_WHEN,
            &format!(
                r"the grace period of (?:the active IdentityDeletionProcess|the IdentityDeletionProcess with {ACTIVE} as `status`) is already over(?P<ie>, i\.e\. the current time is later than its `gracePeriodEndsAt`)?\.?"
            ),
            |c| {
                Ok(Phrase::GracePeriodOver {
                    defined: c.name("ie").is_some(),
                })
            },
        ),
        def(
            GIVEN_OR_WHEN,
            r"the Identity's clock advances by (?P<days>\d+) days?(?: and (?P<ms>\d+) milliseconds?)?",
            |c| {
                Ok(Phrase::ClockAdvances {
                    days: number(&text(c, "days").unwrap_or_default(), "number of days")?,
                    millis: text(c, "ms")
                        .map(|m| number(&m, "number of milliseconds"))
                        .transpose()?
                        .unwrap_or(0),
                })
            },
        ),
        def(GIVEN_OR_WHEN, r"the Identity's clock is stopped", |_| {
            Ok(Phrase::ClockStopped)
        }),
        def(
            GIVEN_OR_WHEN,
            r"the Identity's clock is set to (?P<instant>\S+)",
            |c| {
                Ok(Phrase::ClockSetTo(instant(
                    &text(c, "instant").unwrap_or_default(),
                )?))
            },
        ),
        def(
            GIVEN_OR_WHEN,
            r"the Identity's clock is set to 1 ms after its `gracePeriodEndsAt`",
            |_| Ok(Phrase::ClockSetPastGraceEnd),
        ),
        def(
            GIVEN_OR_WHEN,
            r"the Identity's clock is set (?P<offset>-?\d+) ms from the next daylight-saving change",
            |c| {
                Ok(Phrase::ClockNearDst(number(
                    &text(c, "offset").unwrap_or_default(),
                    "number of milliseconds",
                )?))
            },
        ),
        def(GIVEN, r"the Identity has a second Device", |_| {
            Ok(Phrase::HasSecondDevice)
        }),
        def(
            GIVEN,
            r"the Identity has initiated and cancelled (?P<n>\d+) IdentityDeletionProcesses, one after the other",
            |c| {
                Ok(Phrase::HasCycles(number(
                    &text(c, "n").unwrap_or_default(),
                    "count",
                )?))
            },
        ),
        // ---- When ----
        def(
            WHEN,
            &format!(r"the Identity calls (?P<function>{functions})(?: with (?P<params>`.+))?"),
            |c| {
                let name = text(c, "function").unwrap_or_default();
                let function = Function::parse(&name)
                    .ok_or_else(|| format!("`{name}` is not a function of the facade"))?;
                let params = match text(c, "params") {
                    Some(p) => parameters(function, &p)?,
                    None => Vec::new(),
                };
                Ok(Phrase::Calls(function, params))
            },
        ),
        def(
            WHEN,
            r"the Identity calls (?P<function>initiateIdentityDeletionProcess|cancelIdentityDeletionProcess) (?P<times>\d+) times concurrently",
            |c| {
                let name = text(c, "function").unwrap_or_default();
                let function = Function::parse(&name)
                    .ok_or_else(|| format!("`{name}` is not a function of the facade"))?;
                Ok(Phrase::CallsConcurrently(
                    function,
                    number(&text(c, "times").unwrap_or_default(), "count")?,
                ))
            },
        ),
        def(
            WHEN,
            r"the Identity calls (?P<function>initiateIdentityDeletionProcess|cancelIdentityDeletionProcess) from Device (?P<device>\d+)",
            |c| {
                let name = text(c, "function").unwrap_or_default();
                let function = Function::parse(&name)
                    .ok_or_else(|| format!("`{name}` is not a function of the facade"))?;
                let device: usize =
                    number(&text(c, "device").unwrap_or_default(), "Device number")?;
                if device == 0 {
                    return Err("Devices are numbered from 1".to_owned());
                }
                Ok(Phrase::CallsFrom(function, device))
            },
        ),
        def(
            WHEN,
            r"the Identity calls getIdentityDeletionProcess with the `id` of its IdentityDeletionProcess with (?P<mutation>.+)",
            |c| {
                let words = text(c, "mutation").unwrap_or_default();
                IdMutation::ALL
                    .into_iter()
                    .find(|m| m.words() == words)
                    .map(Phrase::CallsGetMutated)
                    .ok_or_else(|| format!("`{words}` is not an id mutation the suite knows"))
            },
        ),
        def(
            WHEN,
            r"the Identity calls initiateIdentityDeletionProcess and cancelIdentityDeletionProcess (?P<n>\d+) times concurrently, alternating",
            |c| {
                Ok(Phrase::CallsBurst(number(
                    &text(c, "n").unwrap_or_default(),
                    "count",
                )?))
            },
        ),
        // ---- Then ----
        def(
            THEN,
            &format!(r"Creates an IdentityDeletionProcess with {STATUS} as `status`\.?"),
            |c| {
                Ok(Phrase::Creates(status(
                    c.get(1).map_or("", |m| m.as_str()),
                )?))
            },
        ),
        def(
            THEN,
            r"Returns the (?P<verb>initiated|cancelled) IdentityDeletionProcess\.?",
            |c| {
                Ok(Phrase::ReturnsChanged(
                    if text(c, "verb").as_deref() == Some("initiated") {
                        Status::Active
                    } else {
                        Status::Cancelled
                    },
                ))
            },
        ),
        def(
            THEN,
            &format!(
                r"Changes the `status` of the IdentityDeletionProcess from {STATUS} to {STATUS}\.?"
            ),
            |c| {
                Ok(Phrase::ChangesStatus(
                    status(c.get(1).map_or("", |m| m.as_str()))?,
                    status(c.get(2).map_or("", |m| m.as_str()))?,
                ))
            },
        ),
        def(
            THEN,
            r"Records the time of the cancellation in `(?P<time>\w+)` and the cancelling Device in `(?P<device>\w+)`\.?",
            |c| {
                Ok(Phrase::RecordsCancellation(
                    field(&text(c, "time").unwrap_or_default())?,
                    field(&text(c, "device").unwrap_or_default())?,
                ))
            },
        ),
        def(
            THEN,
            r"Removes `(?P<field>\w+)` from the IdentityDeletionProcess\.?",
            |c| {
                Ok(Phrase::Removes(field(
                    &text(c, "field").unwrap_or_default(),
                )?))
            },
        ),
        def(
            THEN,
            r"Returns the IdentityDeletionProcess (?:with the given `id`|corresponding to the (?:given|provided) `id`)\.?",
            |_| Ok(Phrase::ReturnsById),
        ),
        def(
            THEN,
            &format!(
                r"Returns the (?:active IdentityDeletionProcess|IdentityDeletionProcess of the Identity that has {STATUS} as `status`)\.?"
            ),
            |c| {
                Ok(Phrase::ReturnsWithStatus(
                    c.get(1).map(|m| status(m.as_str())).transpose()?,
                ))
            },
        ),
        def(
            THEN,
            r"Returns (?:every IdentityDeletionProcess of the Identity, whatever its `status`|a list with all IdentityDeletionProcesses of (?:your|the) Identity)\.?",
            |_| Ok(Phrase::ReturnsEvery),
        ),
        def(
            THEN,
            r"Returns the IdentityDeletionProcesses in the order in which they were created\.?",
            |_| Ok(Phrase::ReturnsInCreationOrder),
        ),
        def(THEN, &regex::escape(super::phrase::CALL_FAILS), |_| {
            Ok(Phrase::CallFails)
        }),
        def(
            THEN,
            r"No IdentityDeletionProcess can be (?P<verb>initiated|cancelled|returned)\.?",
            |c| {
                Ok(Phrase::NoProcessCanBe(match text(c, "verb").as_deref() {
                    Some("initiated") => Refusal::Initiated,
                    Some("cancelled") => Refusal::Cancelled,
                    _ => Refusal::Returned,
                }))
            },
        ),
        def(THEN, r"the call succeeds", |_| Ok(Phrase::CallSucceeds)),
        def(THEN, r"the call fails with `(?P<code>[\w.]+)`", |c| {
            Ok(Phrase::CallFailsWith(error_kind(
                &text(c, "code").unwrap_or_default(),
            )?))
        }),
        def(
            THEN,
            &format!(r"the returned IdentityDeletionProcess has {STATUS} as `status`"),
            |c| {
                Ok(Phrase::ReturnedHasStatus(status(
                    c.get(1).map_or("", |m| m.as_str()),
                )?))
            },
        ),
        def(
            THEN,
            r"its `gracePeriodEndsAt` is (?P<days>\d+) days? after its `createdAt`",
            |c| {
                Ok(Phrase::GracePeriodLasts(number(
                    &text(c, "days").unwrap_or_default(),
                    "number of days",
                )?))
            },
        ),
        def(
            THEN,
            r"its `(?P<field>\w+)` is (?P<presence>set|absent)",
            |c| {
                Ok(Phrase::FieldPresence(
                    field(&text(c, "field").unwrap_or_default())?,
                    text(c, "presence").as_deref() == Some("set"),
                ))
            },
        ),
        def(
            THEN,
            r"its `id` is `IDP` followed by 17 letters or digits",
            |_| Ok(Phrase::IdFormat),
        ),
        def(
            THEN,
            r"its `createdAt` and `(?P<field>\w+)` are ISO-8601 timestamps in UTC",
            |c| {
                Ok(Phrase::TimestampsUtc(field(
                    &text(c, "field").unwrap_or_default(),
                )?))
            },
        ),
        def(
            THEN,
            r"getIdentityDeletionProcess with its `id` returns the same IdentityDeletionProcess",
            |_| Ok(Phrase::GetReturnsSame),
        ),
        def(
            THEN,
            r"getActiveIdentityDeletionProcess returns the same IdentityDeletionProcess",
            |_| Ok(Phrase::GetActiveReturnsSame),
        ),
        def(THEN, r"the returned list is empty", |_| {
            Ok(Phrase::ListEmpty)
        }),
        def(
            THEN,
            r#"the returned list has the statuses (?P<list>"\w+"(?:, "\w+")*) in this order"#,
            |c| {
                Ok(Phrase::ListStatuses(
                    text(c, "list")
                        .unwrap_or_default()
                        .split(", ")
                        .map(|s| status(s.trim_matches('"')))
                        .collect::<Result<_, _>>()?,
                ))
            },
        ),
        def(THEN, r"exactly one of the calls succeeds", |_| {
            Ok(Phrase::ExactlyOneSucceeds)
        }),
        def(
            THEN,
            r"every other call fails with `(?P<code>[\w.]+)`",
            |c| {
                Ok(Phrase::OthersFailWith(error_kind(
                    &text(c, "code").unwrap_or_default(),
                )?))
            },
        ),
        def(
            THEN,
            &format!(
                r"the Identity has exactly one IdentityDeletionProcess with {ACTIVE} as `status`"
            ),
            |_| Ok(Phrase::ExactlyOneActive),
        ),
        def(
            THEN,
            &format!(
                r"exactly one `{event}` event was published, carrying the returned IdentityDeletionProcess"
            ),
            |_| Ok(Phrase::EventCarriesReturned),
        ),
        def(THEN, &format!(r"no `{event}` event was published"), |_| {
            Ok(Phrase::NoEvent)
        }),
        def(
            THEN,
            r"its `(?P<field>createdByDevice|cancelledByDevice)` is Device (?P<device>\d+)",
            |c| {
                Ok(Phrase::FieldIsDevice(
                    field(&text(c, "field").unwrap_or_default())?,
                    number(&text(c, "device").unwrap_or_default(), "Device number")?,
                ))
            },
        ),
        def(
            THEN,
            r"its `(?P<field>createdAt|gracePeriodEndsAt|cancelledAt)` is (?P<instant>\d\S+)",
            |c| {
                Ok(Phrase::FieldIsInstant(
                    field(&text(c, "field").unwrap_or_default())?,
                    instant(&text(c, "instant").unwrap_or_default())?,
                ))
            },
        ),
        def(THEN, r"the returned list has (?P<n>\d+) entries", |c| {
            Ok(Phrase::ListHasEntries(number(
                &text(c, "n").unwrap_or_default(),
                "count",
            )?))
        }),
        def(
            THEN,
            r"the other Identity's IdentityDeletionProcesses are unchanged",
            |_| Ok(Phrase::OtherIdentityUnchanged),
        ),
        def(
            THEN,
            r"some serial order of the calls explains every answer and the final state",
            |_| Ok(Phrase::BurstSerializable),
        ),
        def(
            THEN,
            &format!(r"the other Identity's `{event}` events are exactly those of its own calls"),
            |_| Ok(Phrase::OtherIdentityEvents),
        ),
        def(GIVEN, r"the Identity has (?P<n>\d+) Devices", |c| {
            let n: usize = number(&text(c, "n").unwrap_or_default(), "count")?;
            if n < 2 {
                return Err("an Identity has at least 1 Device; say 2 or more".to_owned());
            }
            Ok(Phrase::HasDevices(n))
        }),
        def(
            WHEN,
            r"the Identity calls (?P<function>initiateIdentityDeletionProcess|cancelIdentityDeletionProcess) (?P<times>\d+) times concurrently, from its Devices in turn",
            |c| {
                let name = text(c, "function").unwrap_or_default();
                let function = Function::parse(&name)
                    .ok_or_else(|| format!("`{name}` is not a function of the facade"))?;
                Ok(Phrase::CallsConcurrentlyFromDevices(
                    function,
                    number(&text(c, "times").unwrap_or_default(), "count")?,
                ))
            },
        ),
    ]
});
