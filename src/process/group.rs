//! The process group of one implementation: the child is started as the
//! leader of a new session, and so of a new group, so that ending the run
//! ends every process the implementation started (launchers such as `npm
//! start` or a shell script without `exec`, and their helpers), not only the
//! direct child, and so that it has no controlling terminal.
//!
//! Ending a group is TERM, a short wait, then KILL. The processes that left
//! the group (`setsid()`, `setpgid(0, 0)`) are found as the leader's
//! descendants and get the same signals; once no group is live, the strays a
//! subreaper adopted are ended too (see [`super::reaper`]). Every live group is also
//! kept in a process-wide list so that an interrupted suite (Ctrl-C) can end
//! them all before it exits: a child in its own group no longer receives the
//! terminal's signals.

use super::reaper::{end_strays, end_strays_async, signal_process};
use super::tree::{Incarnation, Snapshot, alive};
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long the group gets between TERM and KILL.
const TERM_GRACE: Duration = Duration::from_millis(300);
/// How often an ending group is looked at.
const POLL: Duration = Duration::from_millis(10);
/// How long the strays get to be reaped once they are KILLed.
const STRAY_WAIT: Duration = Duration::from_millis(500);

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
/// A zombie leader whose other threads run on counts ([`alive`]).
fn group_running(pgid: i32) -> bool {
    if !signal_group(pgid, 0) {
        return false;
    }
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return true; // no /proc: the signal says the group exists
    };
    entries.filter_map(Result::ok).any(|entry| {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            return false;
        };
        std::fs::read_to_string(entry.path().join("stat"))
            .ok()
            .and_then(|stat| stat_state_and_group(&stat))
            .is_some_and(|(state, group)| group == pgid && alive(pid, state))
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

/// Arranges, in the child between `fork` and `exec`, that the child leads a
/// new *session* (`setsid()`): it also leads a new process group (its pgid is
/// its pid, as [`Group::led_by`] needs), and it has no controlling terminal.
/// So it cannot open `/dev/tty` (`ENXIO`), write to the suite's terminal
/// through it, or make itself the terminal's foreground group: Ctrl-C
/// always reaches the suite, which then ends the group. POSIX: on every Unix.
pub fn start_in_new_session(command: &mut tokio::process::Command) {
    // SAFETY: the closure runs in the forked child before exec and calls
    // only setsid(2), which is async-signal-safe.
    unsafe {
        command.pre_exec(|| {
            // Fails only for a process group leader, which a fresh child is not.
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// One implementation's process group (its id is the leader's pid).
#[derive(Debug)]
pub struct Group {
    pgid: i32,
    ended: AtomicBool,
}

impl Group {
    /// The group led by the just-spawned child `pid` (spawned with
    /// [`start_in_new_session`] or `process_group(0)`).
    pub fn led_by(pid: u32) -> Option<Group> {
        let pgid = i32::try_from(pid).ok().filter(|p| *p > 0)?;
        live().insert(pgid);
        Some(Group {
            pgid,
            ended: AtomicBool::new(false),
        })
    }

    /// The processes the leader started that are not zombies, in any group
    /// or session (empty when the leader is no longer this process's child:
    /// its pid may have been reused).
    fn descendants(&self) -> BTreeSet<Incarnation> {
        let snapshot = Snapshot::take();
        // SAFETY: getpid(2) has no preconditions.
        let me = unsafe { libc::getpid() };
        if snapshot.parent_of(self.pgid) != Some(me) {
            return BTreeSet::new();
        }
        snapshot
            .descendants_of(self.pgid)
            .into_iter()
            .filter(|pid| snapshot.running(*pid))
            .filter_map(|pid| snapshot.incarnation(pid))
            .collect()
    }

    /// Ends the group and every process its leader started outside it: TERM,
    /// up to [`TERM_GRACE`] for them to go, then KILL (each process only if
    /// it is still the one seen before, not a new one with its pid). When no
    /// other group is live, the strays are ended too. Idempotent; after it,
    /// the group id is never signalled again.
    pub async fn end(&self) {
        if self.ended.load(Ordering::SeqCst) {
            return;
        }
        let escaped = self.descendants();
        for (pid, _) in &escaped {
            signal_process(*pid, libc::SIGTERM);
        }
        if signal_group(self.pgid, libc::SIGTERM) || !escaped.is_empty() {
            let deadline = Instant::now() + TERM_GRACE;
            while (group_running(self.pgid) || any_running(&escaped)) && Instant::now() < deadline {
                tokio::time::sleep(POLL).await;
            }
        }
        let last = self.kill_now_with(&escaped);
        if last {
            end_strays_async(STRAY_WAIT).await;
        }
    }

    /// KILLs whatever is left of the group and of the processes its leader
    /// started, at once (also for `Drop`).
    pub fn kill_now(&self) {
        self.kill_now_with(&BTreeSet::new());
    }

    /// KILLs the group, what is still running of `escaped` and the leader's
    /// descendants now; whether no group is live any more.
    fn kill_now_with(&self, escaped: &BTreeSet<Incarnation>) -> bool {
        if self.ended.swap(true, Ordering::SeqCst) {
            return false;
        }
        let snapshot = Snapshot::take();
        for (pid, _) in escaped.iter().filter(|p| snapshot.still_running(**p)) {
            signal_process(*pid, libc::SIGKILL);
        }
        for (pid, _) in self.descendants() {
            signal_process(pid, libc::SIGKILL);
        }
        signal_group(self.pgid, libc::SIGKILL);
        let mut live = live();
        live.remove(&self.pgid);
        live.is_empty()
    }
}

/// Whether one of `processes` is still running (zombies do not count).
fn any_running(processes: &BTreeSet<Incarnation>) -> bool {
    if processes.is_empty() {
        return false;
    }
    let snapshot = Snapshot::take();
    processes.iter().any(|p| snapshot.still_running(*p))
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill_now();
    }
}

/// KILLs every group this process started and has not ended yet, with the
/// processes their leaders started outside them, then the strays (for an
/// interrupted suite, just before it exits, and at the end of every command).
pub fn kill_all_groups() {
    let groups = std::mem::take(&mut *live());
    let snapshot = Snapshot::take();
    // SAFETY: getpid(2) has no preconditions.
    let me = unsafe { libc::getpid() };
    for pgid in groups {
        if snapshot.parent_of(pgid) == Some(me) {
            for pid in snapshot.descendants_of(pgid) {
                signal_process(pid, libc::SIGKILL);
            }
        }
        signal_group(pgid, libc::SIGKILL);
    }
    end_strays(STRAY_WAIT);
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
