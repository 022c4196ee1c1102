//! The process tree, read from `/proc` (Linux): who is whose child. Used to
//! find the processes an implementation started outside its process group
//! (a helper that called `setsid()` or `setpgid(0, 0)`).
//!
//! A process whose main thread has exited (`pthread_exit`, `SYS_exit`) while
//! another thread runs on shows state `Z` in `/proc/PID/stat` although it
//! lives: its live threads are listed in `/proc/PID/task`. Such a *zombie
//! leader* counts as running here ([`alive`]); only a process with no live
//! thread is a zombie.
//!
//! Without `/proc` (other systems) every question answers "none": only the
//! process group is known there (see ARCHITECTURE.md, process supervision).

use std::collections::{BTreeMap, BTreeSet};

/// One look at every process: parent → children, who is a zombie, and when
/// each started.
#[derive(Debug, Default)]
pub struct Snapshot {
    children: BTreeMap<i32, Vec<i32>>,
    parent: BTreeMap<i32, i32>,
    zombies: BTreeSet<i32>,
    started: BTreeMap<i32, u64>,
}

/// One process, told apart from a later process with the same pid by its
/// start time (clock ticks after boot).
pub type Incarnation = (i32, u64);

/// The state letter, parent pid and start time of a `/proc/PID/stat` line
/// (`pid (comm) state ppid … starttime …`, start time the 20th field after
/// `comm`; `comm` may hold spaces and parentheses).
pub fn parse_stat(stat: &str) -> Option<(char, i32, u64)> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let parent = fields.next()?.parse().ok()?;
    let started = fields.nth(17)?.parse().ok()?;
    Some((state, parent, started))
}

/// Whether process `pid`, whose `/proc/PID/stat` shows `state`, still runs:
/// it is not a zombie, or it is a zombie leader with a live thread in
/// `/proc/PID/task` (its main thread exited, the process lives on).
pub fn alive(pid: i32, state: char) -> bool {
    !is_zombie_state(state) || has_live_thread(pid)
}

fn is_zombie_state(state: char) -> bool {
    matches!(state, 'Z' | 'X')
}

/// Whether a thread of `pid` is not a zombie (`/proc/PID/task/TID/stat`).
fn has_live_thread(pid: i32) -> bool {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false; // gone, or no /proc
    };
    tasks.filter_map(Result::ok).any(|task| {
        std::fs::read_to_string(task.path().join("stat"))
            .ok()
            .and_then(|stat| parse_stat(&stat))
            .is_some_and(|(state, _, _)| !is_zombie_state(state))
    })
}

impl Snapshot {
    /// Reads `/proc` now; empty where there is none.
    pub fn take() -> Snapshot {
        let mut snapshot = Snapshot::default();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return snapshot;
        };
        for entry in entries.filter_map(Result::ok) {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let Some((state, parent, started)) = std::fs::read_to_string(entry.path().join("stat"))
                .ok()
                .and_then(|stat| parse_stat(&stat))
            else {
                continue; // gone meanwhile
            };
            snapshot.add(pid, parent, !alive(pid, state), started);
        }
        snapshot
    }

    fn add(&mut self, pid: i32, parent: i32, zombie: bool, started: u64) {
        self.children.entry(parent).or_default().push(pid);
        self.parent.insert(pid, parent);
        self.started.insert(pid, started);
        if zombie {
            self.zombies.insert(pid);
        }
    }

    /// The parent of `pid`, if it was seen.
    pub fn parent_of(&self, pid: i32) -> Option<i32> {
        self.parent.get(&pid).copied()
    }

    /// The direct children of `pid`.
    pub fn children_of(&self, pid: i32) -> &[i32] {
        self.children.get(&pid).map_or(&[], Vec::as_slice)
    }

    /// Every descendant of `pid` (not `pid` itself), in any group or session.
    pub fn descendants_of(&self, pid: i32) -> BTreeSet<i32> {
        let mut found = BTreeSet::new();
        let mut queue = vec![pid];
        while let Some(next) = queue.pop() {
            for &child in self.children_of(next) {
                if found.insert(child) {
                    queue.push(child);
                }
            }
        }
        found
    }

    /// Whether `pid` was seen running (not a zombie; a zombie leader with a
    /// live thread runs).
    pub fn running(&self, pid: i32) -> bool {
        self.parent.contains_key(&pid) && !self.zombies.contains(&pid)
    }

    /// `pid` with its start time, if it was seen.
    pub fn incarnation(&self, pid: i32) -> Option<Incarnation> {
        self.started.get(&pid).map(|started| (pid, *started))
    }

    /// Whether that very process (not a later one with its pid) is running.
    pub fn still_running(&self, (pid, started): Incarnation) -> bool {
        self.running(pid) && self.started.get(&pid) == Some(&started)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_state_parent_and_start_from_stat() {
        let stat = "42 (a (b) c) S 7 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000";
        assert_eq!(parse_stat(stat), Some(('S', 7, 987_654)));
        assert_eq!(parse_stat("42 (x) S 7 4242"), None, "cut short");
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn descendants_cross_generations_and_stop_at_the_subtree() {
        let mut snapshot = Snapshot::default();
        snapshot.add(10, 1, false, 100);
        snapshot.add(11, 10, false, 110);
        snapshot.add(12, 11, true, 120);
        snapshot.add(20, 1, false, 200);
        assert_eq!(
            snapshot.descendants_of(10),
            BTreeSet::from([11, 12]),
            "children and grandchildren, not the sibling"
        );
        assert!(snapshot.running(11));
        assert!(!snapshot.running(12), "a zombie is not running");
        assert_eq!(snapshot.parent_of(12), Some(11));
        assert_eq!(snapshot.incarnation(11), Some((11, 110)));
        assert!(snapshot.still_running((11, 110)));
        assert!(
            !snapshot.still_running((11, 111)),
            "a later process with the pid"
        );
        assert!(!snapshot.still_running((12, 120)), "a zombie");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_zombie_state_with_a_live_thread_is_alive() {
        let me = i32::try_from(std::process::id()).unwrap();
        // This process's threads run: were its state Z (its main thread
        // gone), it would still be alive.
        assert!(alive(me, 'Z'));
        assert!(alive(me, 'S'));
        // No such process (above the largest pid): no live thread.
        assert!(!alive(i32::MAX, 'Z'));
        assert!(!alive(i32::MAX, 'X'));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn sees_this_process_and_its_parent() {
        let snapshot = Snapshot::take();
        let me = i32::try_from(std::process::id()).unwrap();
        // SAFETY: getppid(2) has no preconditions.
        let parent = unsafe { libc::getppid() };
        assert!(snapshot.running(me));
        assert!(snapshot.children_of(parent).contains(&me));
        let me_now = snapshot.incarnation(me).unwrap();
        assert!(Snapshot::take().still_running(me_now));
    }
}
