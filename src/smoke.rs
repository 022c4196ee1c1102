//! `enmeshed-conformance smoke`: does an adapter speak the protocol at all?
//!
//! It checks the harness, not conformance: a domain error is a fine answer
//! here; a timeout, crash or malformed reply is not.

use crate::adapter::{Adapter, AdapterError, CallError, Capability};
use crate::process::{ProcessAdapter, Timeouts};
use std::fmt::Debug;
use std::time::Duration;

/// What `smoke` found: the checks that passed, and the first that did not.
#[derive(Debug, Clone)]
pub struct SmokeReport {
    /// One line per check that passed.
    pub passed: Vec<String>,
    /// Why the adapter is broken, if it is.
    pub broken: Option<String>,
}

impl SmokeReport {
    /// The report as printed.
    pub fn render(&self) -> String {
        let mut out: String = self.passed.iter().map(|l| format!("ok  {l}\n")).collect();
        match &self.broken {
            Some(reason) => out.push_str(&format!("the adapter is broken: {reason}")),
            None => out.push_str("the adapter works; run `run` to check conformance"),
        }
        out
    }
}

fn answered<T: Debug>(what: &str, result: Result<T, CallError>) -> Result<String, String> {
    match result {
        Ok(value) => Ok(format!(
            "{what}: answered with a result ({})",
            short(&format!("{value:?}"))
        )),
        Err(CallError::Domain(e)) => {
            Ok(format!("{what}: answered with a domain error ({})", e.code))
        }
        // Readable: a conformance question for `run`, not a broken adapter.
        Err(CallError::Malformed(m)) => Ok(format!(
            "{what}: answered with a result that is not a conforming process ({m})"
        )),
        Err(CallError::Adapter(e)) => Err(format!("{what}: {e}")),
    }
}

fn short(text: &str) -> String {
    if text.chars().count() <= 80 {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(80).collect::<String>())
    }
}

fn fault(what: &str, e: AdapterError) -> String {
    format!("{what}: {e}")
}

/// Starts `command` and makes one call of each kind.
pub async fn smoke(command: &str, timeouts: Timeouts) -> SmokeReport {
    let mut report = SmokeReport {
        passed: Vec::new(),
        broken: None,
    };
    let adapter = match ProcessAdapter::start(command, timeouts).await {
        Ok(adapter) => adapter,
        Err(e) => {
            report.broken = Some(fault("start", e));
            return report;
        }
    };
    let outcome = checks(&adapter, &mut report.passed).await;
    adapter.close().await;
    report.broken = outcome.err();
    report
}

async fn checks(adapter: &ProcessAdapter, passed: &mut Vec<String>) -> Result<(), String> {
    let info = adapter.describe().await.map_err(|e| fault("start", e))?;
    let capabilities: Vec<&str> = info.capabilities.iter().map(|c| c.name()).collect();
    passed.push(format!(
        "handshake: {} {}, protocol {}, capabilities [{}]",
        info.name,
        info.version,
        crate::protocol::PROTOCOL_VERSION,
        capabilities.join(", ")
    ));
    let identity = adapter
        .new_identity()
        .await
        .map_err(|e| fault("newIdentity", e))?;
    passed.push(format!("newIdentity: {}", identity.0));
    let initiated = adapter.initiate(&identity, None).await;
    let id = initiated
        .as_ref()
        .ok()
        .map(|p| p.id.clone())
        .unwrap_or_else(|| "IDPaaaaaaaaaaaaaaaaa".to_owned());
    passed.push(answered("initiate", initiated)?);
    passed.push(answered("get", adapter.get(&identity, &id).await)?);
    passed.push(answered("getActive", adapter.get_active(&identity).await)?);
    passed.push(answered("getAll", adapter.get_all(&identity).await)?);
    if info.has(Capability::Clock) {
        adapter
            .advance_clock(&identity, Duration::ZERO)
            .await
            .map_err(|e| fault("advanceClock", e))?;
        passed.push("advanceClock: answered".to_owned());
    }
    passed.push(answered("cancel", adapter.cancel(&identity).await)?);
    if info.has(Capability::Events) {
        let events = adapter
            .take_events(&identity)
            .await
            .map_err(|e| fault("takeEvents", e))?;
        passed.push(format!("takeEvents: {} events", events.len()));
    }
    adapter
        .probe_unknown_kind()
        .await
        .map_err(|e| fault("an unknown request kind", e))?;
    passed.push("an unknown request kind: answered `errored`".to_owned());
    Ok(())
}
