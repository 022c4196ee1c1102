//! The process group of one implementation: the child is started as the
//! leader of a new group, so that ending the run ends every process the
//! implementation started (launchers such as `npm start` or a shell script
//! without `exec`, and their helpers), not only the direct child.
//!
//! Ending a group is TERM, a short wait, then KILL. Every live group is also
//! kept in a process-wide list so that an interrupted suite (Ctrl-C) can end
//! them all before it exits: a child in its own group no longer receives the
//! terminal's signals.

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long the group gets between TERM and KILL.
const TERM_GRACE: Duration = Duration::from_millis(300);
/// How often an ending group is looked at.
const POLL: Duration = Duration::from_millis(10);

/// The groups started by this process and not ended yet.
static LIVE: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());

fn live() -> std::sync::MutexGuard<'static, BTreeSet<i32>> {
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Sends `signal` to every process of group `pgid`; `false` when the group is gone.
fn signal_group(pgid: i32, signal: libc::c_int) -> bool {
    // SAFETY: kill(2) has no memory-safety preconditions; a negative pid
    // addresses the process group `pgid`, which this module created.
    unsafe { libc::kill(-pgid, signal) == 0 }
}

/// Whether a process of group `pgid` is running. Zombies do not count: an
/// orphaned helper's zombie may never be reaped when process 1 does not reap.
fn group_running(pgid: i32) -> bool {
    if !signal_group(pgid, 0) {
        return false;
    }
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return true; // no /proc: the signal says the group exists
    };
    entries.filter_map(Result::ok).any(|entry| {
        std::fs::read_to_string(entry.path().join("stat"))
            .ok()
            .and_then(|stat| stat_state_and_group(&stat))
            .is_some_and(|(state, group)| group == pgid && !matches!(state, 'Z' | 'X'))
    })
}

/// The state letter and process group of a `/proc/PID/stat` line
/// (`pid (comm) state ppid pgrp …`; `comm` may hold spaces and parentheses).
fn stat_state_and_group(stat: &str) -> Option<(char, i32)> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let _ppid = fields.next()?;
    let group = fields.next()?.parse().ok()?;
    Some((state, group))
}

/// One implementation's process group (its id is the leader's pid).
#[derive(Debug)]
pub struct Group {
    pgid: i32,
    ended: AtomicBool,
}

impl Group {
    /// The group led by the just-spawned child `pid` (spawned with `process_group(0)`).
    pub fn led_by(pid: u32) -> Option<Group> {
        let pgid = i32::try_from(pid).ok().filter(|p| *p > 0)?;
        live().insert(pgid);
        Some(Group {
            pgid,
            ended: AtomicBool::new(false),
        })
    }

    /// Ends the group: TERM, up to [`TERM_GRACE`] for it to go, then KILL.
    /// Idempotent; after it, the group id is never signalled again.
    pub async fn end(&self) {
        if self.ended.load(Ordering::SeqCst) {
            return;
        }
        if signal_group(self.pgid, libc::SIGTERM) {
            let deadline = Instant::now() + TERM_GRACE;
            while group_running(self.pgid) && Instant::now() < deadline {
                tokio::time::sleep(POLL).await;
            }
        }
        self.kill_now();
    }

    /// KILLs whatever is left of the group, at once (also for `Drop`).
    pub fn kill_now(&self) {
        if !self.ended.swap(true, Ordering::SeqCst) {
            signal_group(self.pgid, libc::SIGKILL);
            live().remove(&self.pgid);
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill_now();
    }
}

/// KILLs every group this process started and has not ended yet (for an
/// interrupted suite, just before it exits).
pub fn kill_all_groups() {
    let groups = std::mem::take(&mut *live());
    for pgid in groups {
        signal_group(pgid, libc::SIGKILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt as _;

    #[tokio::test]
    async fn ending_a_group_ends_its_grandchildren() {
        let mut child = std::process::Command::new("sh")
            .args(["-c", "sleep 300 & sleep 300"])
            .process_group(0)
            .spawn()
            .unwrap();
        let group = Group::led_by(child.id()).unwrap();
        assert!(group_running(group.pgid));
        group.end().await;
        let _ = child.wait();
        let deadline = Instant::now() + Duration::from_secs(5);
        while group_running(group.pgid) && Instant::now() < deadline {
            std::thread::sleep(POLL);
        }
        assert!(
            !group_running(group.pgid),
            "a process of the group survived"
        );
        assert!(!live().contains(&group.pgid));
    }

    #[test]
    fn reads_state_and_group_from_stat() {
        assert_eq!(
            stat_state_and_group("42 (a (b) c) S 1 4242 4242 0"),
            Some(('S', 4242))
        );
        assert_eq!(stat_state_and_group("garbage"), None);
    }
}
