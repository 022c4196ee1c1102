//! The real-runtime adapter runs any version of
//! adapters/nmshd-runtime/versions.json (`--runtime VERSION`), and the fake
//! Backbone's Consumer API v1 rule sets do what the README's v1 table says,
//! checked here call by call, below the suite's verdicts (which waive them,
//! pinned, in each version's expectations file): status `Approved`, 5.3.0's
//! fixed 14-day grace period and cancel after expiry; 6.60.5's grace period,
//! expiry check and one winner among concurrent initiates (the unique index
//! 5.3.0's Backbone lacks).

use crate::support::npm;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

const ADAPTER: &str = "adapters/nmshd-runtime/adapter.js";
const DAY_MS: u64 = 86_400_000;

#[test]
#[ignore = "runs the adapter under Node.js: the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn an_unknown_version_is_an_error_naming_the_known_ones_and_the_install_command() {
    let output = Command::new("node")
        .args([ADAPTER, "--runtime", "4.0.0"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .expect("node runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty(), "stdout carries replies only");
    for part in ["'4.0.0'", "5.3.0", "6.60.5", "7.0.0", "npm ci"] {
        assert!(stderr.contains(part), "{part} missing in: {stderr}");
    }
}

/// The adapter for one version, spoken to line by line.
struct Adapter {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    seq: u64,
}

impl Adapter {
    fn start(version: &str) -> Self {
        npm::ensure_installed(
            Path::new(env!("CARGO_MANIFEST_DIR")),
            "adapters/nmshd-runtime",
            &format!("node_modules/nmshd-runtime-{version}/package.json"),
        );
        let mut child = Command::new("node")
            .args([ADAPTER, "--runtime", version])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("NMSHD_DATAWALLET", "off")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut adapter = Self {
            child,
            stdin,
            stdout,
            seq: 0,
        };
        let start = adapter.call(json!({"kind": "start"}));
        assert_eq!(start["result"]["version"], version, "{start}");
        adapter
    }

    /// Sends every request, then reads one reply each, in `seq` order.
    fn calls(&mut self, requests: &[Value]) -> Vec<Value> {
        let first = self.seq + 1;
        for request in requests {
            self.seq += 1;
            let mut request = request.clone();
            request["seq"] = json!(self.seq);
            writeln!(self.stdin, "{request}").unwrap();
        }
        self.stdin.flush().unwrap();
        let mut replies: Vec<Value> = (0..requests.len())
            .map(|_| {
                let mut line = String::new();
                self.stdout.read_line(&mut line).unwrap();
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"))
            })
            .collect();
        replies.sort_by_key(|r| r["seq"].as_u64());
        assert_eq!(replies[0]["seq"], json!(first));
        replies
    }

    fn call(&mut self, request: Value) -> Value {
        self.calls(&[request]).remove(0)
    }

    fn new_identity(&mut self) -> String {
        let reply = self.call(json!({"kind": "newIdentity"}));
        reply["result"]["identity"].as_str().unwrap().to_owned()
    }
}

impl Drop for Adapter {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "{}", json!({"seq": 0, "kind": "stop"}));
        let _ = self.child.wait();
    }
}

/// Initiates with a 1-day grace period at a fixed instant, moves the clock 15
/// days on, cancels; then 4 concurrent initiates on a new Identity. Returns
/// (initiate, cancel, the 4 initiates).
fn v1_rules(version: &str) -> (Value, Value, Vec<Value>) {
    let mut adapter = Adapter::start(version);
    let identity = adapter.new_identity();
    adapter.call(
        json!({"kind": "setClock", "identity": identity, "instant": "2030-01-01T00:00:00.000Z"}),
    );
    let initiated = adapter
        .call(json!({"kind": "initiate", "identity": identity, "lengthOfGracePeriodInDays": 1}));
    adapter
        .call(json!({"kind": "advanceClock", "identity": identity, "milliseconds": 15 * DAY_MS}));
    let cancelled = adapter.call(json!({"kind": "cancel", "identity": identity}));
    let other = adapter.new_identity();
    let concurrent = adapter.calls(&vec![json!({"kind": "initiate", "identity": other}); 4]);
    (initiated, cancelled, concurrent)
}

fn successes(replies: &[Value]) -> usize {
    replies.iter().filter(|r| r.get("result").is_some()).count()
}

#[test]
#[ignore = "installs and runs the real runtime (npm ci): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn runtime_5_3_0_meets_the_backbone_of_2024() {
    let (initiated, cancelled, concurrent) = v1_rules("5.3.0");
    let process = &initiated["result"];
    assert_eq!(process["status"], "Approved", "{initiated}");
    assert!(process.get("createdByDevice").is_none(), "{initiated}");
    assert_eq!(process["approvedAt"], "2030-01-01T00:00:00.000Z");
    assert_eq!(process["approvalPeriodEndsAt"], "2030-01-08T00:00:00.000Z");
    // no lengthOfGracePeriodInDays in 5.3.0 nor in the Backbone of its release: 14 days
    assert_eq!(process["gracePeriodEndsAt"], "2030-01-15T00:00:00.000Z");
    // no grace-period check on cancel; gracePeriodEndsAt stays
    assert_eq!(cancelled["result"]["status"], "Cancelled", "{cancelled}");
    assert_eq!(
        cancelled["result"]["gracePeriodEndsAt"],
        "2030-01-15T00:00:00.000Z"
    );
    // How many concurrent initiates win depends on how they interleave (no unique index: all
    // that load before the first save); at least one does, and no answer is a fault.
    assert!(successes(&concurrent) >= 1, "{concurrent:?}");
    assert!(
        concurrent
            .iter()
            .all(|r| r.get("result").is_some() || r.get("error").is_some()),
        "{concurrent:?}"
    );
}

#[test]
#[ignore = "installs and runs the real runtime (npm ci): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn runtime_6_60_5_meets_the_backbone_of_2025() {
    let (initiated, cancelled, concurrent) = v1_rules("6.60.5");
    let process = &initiated["result"];
    assert_eq!(process["status"], "Approved", "{initiated}");
    assert_eq!(process["gracePeriodEndsAt"], "2030-01-02T00:00:00.000Z");
    assert_eq!(
        cancelled["error"]["code"], "error.platform.validation.device.gracePeriodHasAlreadyExpired",
        "{cancelled}"
    );
    assert_eq!(successes(&concurrent), 1, "{concurrent:?}");
    for loser in concurrent.iter().filter(|r| r.get("error").is_some()) {
        let code = loser["error"]["code"].as_str().unwrap();
        assert!(
            code == "error.platform.validation.device.onlyOneActiveDeletionProcessAllowed"
                || code
                    == "error.runtime.identityDeletionProcess.activeIdentityDeletionProcessAlreadyExists",
            "{loser}"
        );
    }
}
