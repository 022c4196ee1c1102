//! The process adapter: an implementation in any language, run as a child
//! process that speaks the JSON-lines protocol on stdin/stdout.
//!
//! A fault (TIMEOUT, CRASH, PROTOCOL) breaks the current process; the next
//! scenario (its `new_identity`) starts a fresh one, so a run always
//! finishes. Identity handles carry the process generation they belong to.

mod connection;
mod group;
mod lines;
mod reaper;
mod stderr_tail;
mod tree;

pub use connection::close_grace;
pub use group::kill_all_groups;
pub use reaper::become_subreaper;

/// Ends every child of this process that the process adapter did not start
/// (escaped helpers adopted as a subreaper, see [`become_subreaper`]) and
/// reaps them, waiting at most one second. A no-op unless this process is a
/// subreaper. Returns how many could not be reaped in time.
pub fn end_strays() -> usize {
    reaper::end_strays(std::time::Duration::from_secs(1))
}
pub use stderr_tail::{KEPT_LINE_BYTES, KEPT_LINES};

use crate::adapter::{
    Adapter, AdapterError, AdapterFault, BoxFuture, CallError, CallResult, Capability,
    IdentityHandle, ImplementationInfo, MalformedAnswer, StatusChangedEvent,
};
use crate::domain::IdentityDeletionProcess;
use crate::protocol::{
    PROTOCOL_VERSION, ReplyBody, Request, excerpt, excerpt_json, whole_number, words,
};
use connection::Connection;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// The default time to wait for one reply.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The least time a start is given by default: process start and the
/// handshake reply (see [`Timeouts::new`]). Starting an implementation is not
/// answering a request: an interpreter starts, a big runtime such as
/// `@nmshd/runtime` loads. That takes about 0.5 s on a quiet machine
/// (BENCHMARKS.md, the runtime adapter's start-up); 30 s leaves some sixty
/// times that for a loaded CI runner or a cold disk cache, and an
/// implementation that never answers is still reported within half a minute.
pub const DEFAULT_STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// How long the process adapter waits for the implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// For each reply after the handshake.
    pub reply: Duration,
    /// For a start: from spawning the process to the handshake reply, at
    /// every start (the fresh process after a fault too).
    pub startup: Duration,
}

impl Timeouts {
    /// `reply` for each reply; a start gets the larger of `reply` and
    /// [`DEFAULT_STARTUP_TIMEOUT`].
    pub fn new(reply: Duration) -> Timeouts {
        Timeouts {
            reply,
            startup: reply.max(DEFAULT_STARTUP_TIMEOUT),
        }
    }

    /// The same, with `startup` for a start instead of the default.
    #[must_use]
    pub fn with_startup(self, startup: Duration) -> Timeouts {
        Timeouts { startup, ..self }
    }
}

impl Default for Timeouts {
    /// [`DEFAULT_TIMEOUT`] for each reply, the default start allowance.
    fn default() -> Timeouts {
        Timeouts::new(DEFAULT_TIMEOUT)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StartResult {
    name: String,
    version: String,
    /// Read with [`whole_number`], as the schema's `integer` (`1.0` is 1).
    protocol_version: Value,
    #[serde(default)]
    capabilities: Vec<String>,
}

#[derive(Deserialize)]
struct NewIdentityResult {
    identity: String,
}

#[derive(Deserialize)]
struct NewDeviceResult {
    device: String,
}

struct Current {
    generation: u64,
    connection: Arc<Connection>,
}

/// An implementation behind the stdio protocol.
pub struct ProcessAdapter {
    words: Vec<String>,
    timeouts: Timeouts,
    info: ImplementationInfo,
    current: Mutex<Current>,
}

fn protocol(message: String) -> AdapterError {
    AdapterError::new(AdapterFault::Protocol, message)
}

/// An `errored` reply as a fault; its message is excerpted.
fn declined(message: &str) -> AdapterError {
    AdapterError::new(AdapterFault::Declined, excerpt(message))
}

/// The fields the protocol defines in the start result.
const START_FIELDS: &[&str] = &["name", "version", "protocolVersion", "capabilities"];

/// Decodes a `result` of the protocol's own wire format (the start result,
/// `{identity}`, `{device}`): a `null` in one of its `fields` (the ones the
/// protocol defines) is a protocol fault; unknown fields are ignored,
/// whatever their value, `null` included (PROTOCOL.md, "Null and absent").
/// Messages quote the implementation's value only as an excerpt.
fn decode<T: DeserializeOwned>(
    kind: &str,
    value: Value,
    fields: &[&str],
) -> Result<T, AdapterError> {
    let defined = match &value {
        Value::Object(object) => fields
            .iter()
            .find_map(|k| find_null(object.get(*k)?, format!(".{k}"))),
        other => find_null(other, String::new()),
    };
    if let Some(path) = defined {
        return Err(protocol(format!(
            "the result of `{kind}` has `null` at {}",
            excerpt(&path)
        )));
    }
    T::deserialize(&value).map_err(|e| {
        protocol(format!(
            "the result of `{kind}` has the wrong shape ({}): {}",
            excerpt(&e.to_string()),
            excerpt_json(&value)
        ))
    })
}

/// A result the suite cannot read at all: not of the JSON kind the request
/// calls for. What is inside a process is content, judged by the oracle.
fn unreadable(kind: &str, wanted: &str, value: &Value) -> AdapterError {
    protocol(format!(
        "the result of `{kind}` has the wrong shape (not {wanted}): {}",
        excerpt_json(value)
    ))
}

/// A process result: any JSON object is read; a field that is `null`,
/// missing or not a string is a [`MalformedAnswer`] for the oracle to judge.
fn decode_process(kind: &str, value: Value) -> CallResult<IdentityDeletionProcess> {
    if !value.is_object() {
        return Err(unreadable(kind, "a JSON object", &value).into());
    }
    IdentityDeletionProcess::from_json(&value).map_err(|defect| {
        CallError::Malformed(MalformedAnswer {
            entry: None,
            defect,
            answer: excerpt_json(&value),
        })
    })
}

/// A list result: a JSON array, each entry read as by [`decode_process`].
fn decode_list(kind: &str, value: Value) -> CallResult<Vec<IdentityDeletionProcess>> {
    let Value::Array(items) = &value else {
        return Err(unreadable(kind, "a JSON array", &value).into());
    };
    items
        .iter()
        .enumerate()
        .map(|(entry, item)| {
            IdentityDeletionProcess::from_json(item).map_err(|defect| {
                CallError::Malformed(MalformedAnswer {
                    entry: Some(entry),
                    defect,
                    answer: excerpt_json(&value),
                })
            })
        })
        .collect()
}

/// A `takeEvents` result: a JSON array of objects; each event's `name` and
/// `data` are kept as sent (the oracle judges them).
fn decode_events(value: Value) -> Result<Vec<StatusChangedEvent>, AdapterError> {
    let Value::Array(items) = value else {
        return Err(unreadable("takeEvents", "a JSON array", &value));
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::Object(mut fields) => {
                let name = match fields.remove("name") {
                    Some(Value::String(name)) => name,
                    Some(other) => other.to_string(),
                    None => String::new(),
                };
                Ok(StatusChangedEvent {
                    name,
                    data: fields.remove("data").unwrap_or(Value::Null),
                })
            }
            other => Err(unreadable("takeEvents", "an array of objects", &other)),
        })
        .collect()
}

fn find_null(value: &Value, path: String) -> Option<String> {
    match value {
        Value::Null => Some(if path.is_empty() {
            "the top level".to_owned()
        } else {
            path
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| find_null(v, format!("{path}[{i}]"))),
        Value::Object(fields) => fields
            .iter()
            .find_map(|(k, v)| find_null(v, format!("{path}.{k}"))),
        _ => None,
    }
}

impl ProcessAdapter {
    /// Starts `command` (split like a shell would, no expansion) and does the
    /// handshake, within `timeouts.startup`; every later reply is bounded by
    /// `timeouts.reply`.
    pub async fn start(command: &str, timeouts: Timeouts) -> Result<ProcessAdapter, AdapterError> {
        let words =
            words::split(command).map_err(|e| AdapterError::new(AdapterFault::Internal, e))?;
        let (connection, info) = Self::launch(&words, timeouts).await?;
        Ok(ProcessAdapter {
            words,
            timeouts,
            info,
            current: Mutex::new(Current {
                generation: 1,
                connection,
            }),
        })
    }

    async fn launch(
        words: &[String],
        timeouts: Timeouts,
    ) -> Result<(Arc<Connection>, ImplementationInfo), AdapterError> {
        let connection = Arc::new(Connection::spawn(words, timeouts)?);
        match Self::handshake(&connection, timeouts.startup).await {
            Ok(info) => Ok((connection, info)),
            Err(e) => {
                connection.shutdown().await;
                Err(AdapterError::new(
                    e.fault,
                    format!("during the handshake: {}", e.message),
                ))
            }
        }
    }

    async fn handshake(
        connection: &Connection,
        startup: Duration,
    ) -> Result<ImplementationInfo, AdapterError> {
        let start = Request::Start {
            protocol_version: PROTOCOL_VERSION,
        };
        let reply = connection.request_within(&start, startup).await?;
        let result: StartResult = match reply {
            ReplyBody::Result(value) => decode("start", value, START_FIELDS)?,
            ReplyBody::Error(e) => {
                return Err(protocol(format!(
                    "`start` answered with a domain error: {}",
                    excerpt(&e.to_string())
                )));
            }
            ReplyBody::Errored(message) => return Err(declined(&message)),
        };
        if whole_number(&result.protocol_version) != Some(u64::from(PROTOCOL_VERSION)) {
            return Err(protocol(format!(
                "the implementation speaks protocol version {}, this suite speaks version {PROTOCOL_VERSION}",
                excerpt(&result.protocol_version.to_string())
            )));
        }
        let mut capabilities = std::collections::BTreeSet::new();
        for name in &result.capabilities {
            match Capability::parse(name) {
                Some(c) => {
                    capabilities.insert(c);
                }
                None => {
                    // Unknown capabilities are ignored so that the protocol can grow.
                }
            }
        }
        Ok(ImplementationInfo {
            name: excerpt(&result.name),
            version: excerpt(&result.version),
            capabilities,
        })
    }

    /// The current connection, replaced by a fresh process when it has a fault.
    async fn fresh(&self) -> Result<(u64, Arc<Connection>), AdapterError> {
        let mut current = self.current.lock().await;
        if current.connection.fault().is_some() {
            let old = current.connection.clone();
            tokio::spawn(async move { old.shutdown().await });
            let (connection, _) = Self::launch(&self.words, self.timeouts).await?;
            current.generation += 1;
            current.connection = connection;
        }
        Ok((current.generation, current.connection.clone()))
    }

    /// The connection an Identity handle belongs to, and the implementation's name for it.
    async fn connection_for(
        &self,
        identity: &IdentityHandle,
    ) -> Result<(Arc<Connection>, String), AdapterError> {
        let (generation, name) = identity
            .0
            .split_once(':')
            .and_then(|(g, n)| g.parse::<u64>().ok().map(|g| (g, n.to_owned())))
            .ok_or_else(|| {
                AdapterError::new(
                    AdapterFault::Internal,
                    format!("malformed identity handle `{}`", identity.0),
                )
            })?;
        let current = self.current.lock().await;
        if current.generation != generation {
            return Err(AdapterError::new(
                AdapterFault::Crash,
                "the implementation was restarted after a fault; this Identity is gone",
            ));
        }
        Ok((current.connection.clone(), name))
    }

    /// Makes a call; its `result` is read by `read` (with the request kind).
    async fn call<T>(
        &self,
        identity: &IdentityHandle,
        make: impl FnOnce(String) -> Request,
        read: impl FnOnce(&str, Value) -> CallResult<T>,
    ) -> CallResult<T> {
        let (connection, name) = self.connection_for(identity).await?;
        let request = make(name);
        match connection.request(&request).await? {
            ReplyBody::Result(value) => read(request.kind(), value),
            ReplyBody::Error(e) => Err(CallError::Domain(e)),
            ReplyBody::Errored(message) => Err(CallError::Adapter(declined(&message))),
        }
    }

    async fn call_unit(
        &self,
        identity: &IdentityHandle,
        make: impl FnOnce(String) -> Request,
    ) -> Result<Value, AdapterError> {
        match self.call(identity, make, |_, value| Ok(value)).await {
            Ok(value) => Ok(value),
            Err(CallError::Adapter(e)) => Err(e),
            Err(CallError::Domain(e)) => Err(protocol(format!(
                "a domain error where none is possible: {}",
                excerpt(&e.to_string())
            ))),
            Err(CallError::Malformed(m)) => Err(protocol(m.to_string())),
        }
    }
}

impl ProcessAdapter {
    /// Sends a request kind the protocol does not define; the implementation
    /// must answer `errored`. Returns what it answered instead, if anything else.
    pub async fn probe_unknown_kind(&self) -> Result<(), AdapterError> {
        let (_, connection) = self.fresh().await?;
        match connection.request(&Request::UnknownKindProbe).await? {
            ReplyBody::Errored(_) => Ok(()),
            other => Err(protocol(format!(
                "an unknown request kind must get an `errored` reply, got {}",
                excerpt(&format!("{other:?}"))
            ))),
        }
    }
}

impl Adapter for ProcessAdapter {
    fn describe(&self) -> BoxFuture<'_, Result<ImplementationInfo, AdapterError>> {
        Box::pin(async move { Ok(self.info.clone()) })
    }

    fn new_identity(&self) -> BoxFuture<'_, Result<IdentityHandle, AdapterError>> {
        Box::pin(async move {
            let (generation, connection) = self.fresh().await?;
            let result: NewIdentityResult = match connection.request(&Request::NewIdentity).await? {
                ReplyBody::Result(value) => decode("newIdentity", value, &["identity"])?,
                ReplyBody::Error(e) => {
                    return Err(protocol(format!(
                        "`newIdentity` answered with a domain error: {}",
                        excerpt(&e.to_string())
                    )));
                }
                ReplyBody::Errored(message) => return Err(declined(&message)),
            };
            Ok(IdentityHandle(format!("{generation}:{}", result.identity)))
        })
    }

    fn initiate<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        days: Option<u32>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        self.initiate_as(identity, None, days)
    }

    fn cancel<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        self.cancel_as(identity, None)
    }

    fn initiate_as<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        device: Option<&'a str>,
        days: Option<u32>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        Box::pin(async move {
            if device.is_some() && !self.info.has(Capability::Devices) {
                return Err(AdapterError::unsupported(Capability::Devices).into());
            }
            self.call(
                identity,
                move |identity| Request::Initiate {
                    identity,
                    length_of_grace_period_in_days: days,
                    device: device.map(str::to_owned),
                },
                decode_process,
            )
            .await
        })
    }

    fn cancel_as<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        device: Option<&'a str>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        Box::pin(async move {
            if device.is_some() && !self.info.has(Capability::Devices) {
                return Err(AdapterError::unsupported(Capability::Devices).into());
            }
            self.call(
                identity,
                move |identity| Request::Cancel {
                    identity,
                    device: device.map(str::to_owned),
                },
                decode_process,
            )
            .await
        })
    }

    fn new_device<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, Result<String, AdapterError>> {
        Box::pin(async move {
            if !self.info.has(Capability::Devices) {
                return Err(AdapterError::unsupported(Capability::Devices));
            }
            let value = self
                .call_unit(identity, |identity| Request::NewDevice { identity })
                .await?;
            let result: NewDeviceResult = decode("newDevice", value, &["device"])?;
            Ok(result.device)
        })
    }

    fn set_clock<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        instant: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, Result<(), AdapterError>> {
        Box::pin(async move {
            if !self.info.has(Capability::SetClock) {
                return Err(AdapterError::unsupported(Capability::SetClock));
            }
            let instant = crate::domain::format_instant(instant);
            self.call_unit(identity, |identity| Request::SetClock { identity, instant })
                .await
                .map(|_| ())
        })
    }

    fn get<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        id: &'a str,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        Box::pin(self.call(
            identity,
            move |identity| Request::Get {
                identity,
                id: id.to_owned(),
            },
            decode_process,
        ))
    }

    fn get_active<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        Box::pin(self.call(
            identity,
            |identity| Request::GetActive { identity },
            decode_process,
        ))
    }

    fn get_all<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<Vec<IdentityDeletionProcess>>> {
        Box::pin(self.call(
            identity,
            |identity| Request::GetAll { identity },
            decode_list,
        ))
    }

    fn advance_clock<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        by: Duration,
    ) -> BoxFuture<'a, Result<(), AdapterError>> {
        Box::pin(async move {
            if !self.info.has(Capability::Clock) {
                return Err(AdapterError::unsupported(Capability::Clock));
            }
            let milliseconds = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
            self.call_unit(identity, |identity| Request::AdvanceClock {
                identity,
                milliseconds,
            })
            .await
            .map(|_| ())
        })
    }

    fn take_events<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, Result<Vec<StatusChangedEvent>, AdapterError>> {
        Box::pin(async move {
            if !self.info.has(Capability::Events) {
                return Err(AdapterError::unsupported(Capability::Events));
            }
            let value = self
                .call_unit(identity, |identity| Request::TakeEvents { identity })
                .await?;
            decode_events(value)
        })
    }

    fn probe_unknown_request(&self) -> Option<BoxFuture<'_, Result<(), AdapterError>>> {
        Some(Box::pin(self.probe_unknown_kind()))
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let current = self.current.lock().await;
            current.connection.shutdown().await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_gets_at_least_the_default_allowance_unless_told() {
        let secs = Duration::from_secs;
        let default = Timeouts::default();
        assert_eq!(default.reply, DEFAULT_TIMEOUT);
        assert_eq!(default.startup, DEFAULT_STARTUP_TIMEOUT);
        assert_eq!(Timeouts::new(secs(1)).startup, DEFAULT_STARTUP_TIMEOUT);
        assert_eq!(Timeouts::new(secs(90)).startup, secs(90));
        let told = Timeouts::new(secs(90)).with_startup(Duration::from_millis(500));
        assert_eq!(
            (told.reply, told.startup),
            (secs(90), Duration::from_millis(500))
        );
    }
    #[test]
    fn a_null_is_a_fault_in_a_defined_field_and_ignored_in_an_unknown_one() {
        let start = |json: serde_json::Value| decode::<StartResult>("start", json, START_FIELDS);
        let ok = start(serde_json::json!({
            "name": "n", "version": "1", "protocolVersion": 1.0,
            "capabilities": ["clock", "x-unknown"], "xVendor": null, "x": {"y": [null]}
        }))
        .map_err(|e| e.to_string())
        .unwrap();
        assert_eq!(whole_number(&ok.protocol_version), Some(1));
        for (field, path) in [
            ("version", ".version"),
            ("protocolVersion", ".protocolVersion"),
            ("capabilities", ".capabilities"),
        ] {
            let mut json = serde_json::json!({
                "name": "n", "version": "1", "protocolVersion": 1, "capabilities": []
            });
            json[field] = serde_json::Value::Null;
            let e = start(json).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains(&format!("has `null` at {path}")), "{field}: {e}");
        }
        let e = start(serde_json::json!({
            "name": "n", "version": "1", "protocolVersion": 1, "capabilities": [null]
        }))
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(e.contains("has `null` at .capabilities[0]"), "{e}");
        let identity = decode::<NewIdentityResult>(
            "newIdentity",
            serde_json::json!({"identity": "a", "xVendor": null}),
            &["identity"],
        );
        assert!(identity.is_ok());
        assert!(
            decode::<NewIdentityResult>(
                "newIdentity",
                serde_json::json!({"identity": null}),
                &["identity"]
            )
            .is_err()
        );
    }
}
