//! Promises of the stdio protocol that `run` checks with probes of its own
//! (issue 26, item 3):
//! - `seq` is unique within the process, not increasing (PROTOCOL.md,
//!   "Requests"): `run` writes two requests out of `seq` order on purpose, so
//!   an implementation that refuses a `seq` below one it has seen fails
//!   `PROTOCOL.seq-order` every run, not only when concurrent requests happen
//!   to be written out of order;
//! - `stop` is answered with `{}`, then the implementation exits
//!   (`PROTOCOL.stop`, the last test case of a run).

use crate::support::cli;
use enmeshed_conformance::adapter::AdapterFault;
use enmeshed_conformance::process::{ProcessAdapter, Timeouts};
use std::time::Duration;

const GUARD: &str = "python3 tests/fixtures/adapters/seq_guard.py";
const STAYS: &str = "python3 tests/fixtures/adapters/stop_stays.py";
const EXAMPLE: &str = "python3 examples/python/enmeshed_idp.py";

#[tokio::test]
async fn requests_out_of_seq_order_pass_the_example_and_catch_a_replay_guard() {
    let timeouts = Timeouts::new(Duration::from_secs(10));
    let example = ProcessAdapter::start(EXAMPLE, timeouts)
        .await
        .expect("starts");
    assert_eq!(
        example.probe_seq_order().await.map_err(|e| e.message),
        Ok(())
    );
    let guard = ProcessAdapter::start(GUARD, timeouts)
        .await
        .expect("starts");
    let refused = guard
        .probe_seq_order()
        .await
        .expect_err("the guard refuses");
    assert_eq!(refused.fault, AdapterFault::Declined, "{refused:?}");
    assert!(refused.message.contains("not above"), "{refused:?}");
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn run_fails_a_replay_guard_under_protocol_seq_order_every_time() {
    for _ in 0..2 {
        let output = cli::binary(&["run", "--quiet", "--adapter-cmd", GUARD]);
        let out = cli::stdout(&output);
        assert_eq!(output.status.code(), Some(1), "{out}");
        assert!(
            out.lines().any(|l| l
                .starts_with("FAILED protocol: requests written out of `seq` order are answered")
                && l.contains("[PROTOCOL.seq-order]")),
            "{out}"
        );
    }
}

#[tokio::test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
async fn stop_passes_the_example_and_catches_an_implementation_that_stays() {
    let timeouts = Timeouts::new(Duration::from_millis(500));
    let example = ProcessAdapter::start(EXAMPLE, timeouts)
        .await
        .expect("starts");
    assert_eq!(example.probe_stop().await.map_err(|e| e.message), Ok(()));
    let stays = ProcessAdapter::start(STAYS, timeouts)
        .await
        .expect("starts");
    let refused = stays.probe_stop().await.expect_err("it does not exit");
    assert_eq!(refused.fault, AdapterFault::Protocol, "{refused:?}");
    assert!(refused.message.contains("had not exited"), "{refused:?}");
    // Dropped: its connection ends the process group at once.
    drop(stays);
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn run_fails_an_implementation_that_stays_after_stop_under_protocol_stop() {
    let output = cli::binary(&["run", "--quiet", "--timeout", "2", "--adapter-cmd", STAYS]);
    let out = cli::stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    let failed: Vec<&str> = out.lines().filter(|l| l.starts_with("FAILED ")).collect();
    assert_eq!(failed.len(), 1, "{out}");
    assert!(
        failed[0]
            .starts_with("FAILED protocol: `stop` is answered with `{}` and the process exits")
            && failed[0].contains("[PROTOCOL.stop]"),
        "{out}"
    );
}
