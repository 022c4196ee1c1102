//! Supervision beyond the process group (Linux): the suite as a child
//! subreaper, the parent-death signal for each implementation, and the end of
//! processes that escaped their group.
//!
//! - A helper that calls `setsid()` or `setpgid(0, 0)` leaves the
//!   implementation's process group, so ending the group misses it. While its
//!   parent lives, it is found as a descendant of the implementation
//!   ([`super::tree`]); once its parent has gone, a *child subreaper*
//!   ([`become_subreaper`]) adopts it instead of process 1, so every process
//!   started for a run stays a descendant of the suite. [`end_strays`] ends
//!   every child of the suite that the process adapter did not start itself.
//! - If the suite is killed with SIGKILL (a CI timeout), nothing of it runs
//!   any more: the kernel sends each implementation the *parent-death signal*
//!   ([`set_parent_death_signal`], SIGKILL) instead.
//!
//! Elsewhere these are no-ops; ARCHITECTURE.md (process supervision) says what
//! remains there.

use super::tree::Snapshot;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant};

/// Children started by the process adapter and not yet reaped by their owner
/// (a pid may repeat once reaped, hence the count).
static SPAWNED: Mutex<BTreeMap<i32, usize>> = Mutex::new(BTreeMap::new());

/// Whether this process adopted orphans ([`become_subreaper`] succeeded):
/// only then are children it did not start ended as strays.
static SUBREAPER: AtomicBool = AtomicBool::new(false);

/// How often [`end_strays`] looks again.
const POLL: Duration = Duration::from_millis(10);

fn spawned() -> std::sync::MutexGuard<'static, BTreeMap<i32, usize>> {
    SPAWNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn this_pid() -> i32 {
    // SAFETY: getpid(2) has no preconditions and cannot fail.
    unsafe { libc::getpid() }
}

/// Makes this process a child subreaper (Linux `PR_SET_CHILD_SUBREAPER`):
/// orphans among its descendants are re-parented to it, not to process 1, and
/// `end_strays` ends them. For a program whose only children are started by
/// the process adapter (the `enmeshed-conformance` binary): every other
/// child becomes a stray. `false` where the system has no such facility.
pub fn become_subreaper() -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: prctl(2) with PR_SET_CHILD_SUBREAPER takes an integer flag
        // and touches no memory of ours.
        let done = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) } == 0;
        SUBREAPER.store(done, Ordering::SeqCst);
        done
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// Arranges, in the child between `fork` and `exec`, that the child gets
/// SIGKILL when the suite dies (Linux `PR_SET_PDEATHSIG`). Strictly: when
/// the thread that started it ends; [`spawn`] starts every implementation
/// from one thread that lives as long as the suite.
pub fn set_parent_death_signal(command: &mut tokio::process::Command) {
    #[cfg(target_os = "linux")]
    {
        let parent = this_pid();
        // SAFETY: the closure runs in the forked child before exec and calls
        // only async-signal-safe functions (prctl, getppid, _exit).
        unsafe {
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // The suite died between fork and prctl: nobody will signal.
                if libc::getppid() != parent {
                    libc::_exit(137);
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = command;
    }
}

/// A job for the spawner thread.
type Job = Box<dyn FnOnce() + Send>;

/// The spawner thread's queue and its thread id.
static SPAWNER: OnceLock<Option<(mpsc::Sender<Job>, i64)>> = OnceLock::new();

/// The one thread that starts every implementation: it lives as long as the
/// process (it waits on a queue whose sender is never dropped), so that the
/// parent-death signal, which Linux ties to the *thread* that forked, fires
/// only when the suite dies. A runtime thread would not do: the fuzzer calls
/// the adapter from a blocking-pool thread, which ends after 10 s idle.
fn spawner() -> Option<&'static (mpsc::Sender<Job>, i64)> {
    SPAWNER
        .get_or_init(|| {
            let (jobs, queue) = mpsc::channel::<Job>();
            let (tid_tx, tid_rx) = mpsc::sync_channel(1);
            std::thread::Builder::new()
                .name("implementation-spawner".to_owned())
                .spawn(move || {
                    let _ = tid_tx.send(current_thread_id());
                    for job in queue {
                        job();
                    }
                })
                .ok()?;
            let tid = tid_rx.recv().ok()?;
            Some((jobs, tid))
        })
        .as_ref()
}

/// The kernel's id of the calling thread.
fn current_thread_id() -> i64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid(2) has no preconditions and cannot fail.
        i64::from(unsafe { libc::gettid() })
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

/// Starts `command` from the spawner thread (see [`spawner`]), registered
/// as tracked ([`spawn_tracked`]); returns the child and the id of the
/// thread that forked it. Must be called inside a tokio runtime. Falls back
/// to the calling thread if the spawner thread cannot be started.
pub fn spawn(
    mut command: tokio::process::Command,
) -> std::io::Result<(tokio::process::Child, i64)> {
    let Some((jobs, tid)) = spawner() else {
        let child = spawn_tracked(|| command.spawn(), tokio::process::Child::id)?;
        return Ok((child, current_thread_id()));
    };
    let runtime = tokio::runtime::Handle::try_current().map_err(std::io::Error::other)?;
    let (done, result) = mpsc::sync_channel(1);
    let job: Job = Box::new(move || {
        let _entered = runtime.enter();
        let _ = done.send(spawn_tracked(|| command.spawn(), tokio::process::Child::id));
    });
    jobs.send(job)
        .map_err(|_| std::io::Error::other("the spawner thread has gone"))?;
    let child = result
        .recv()
        .map_err(|_| std::io::Error::other("the spawner thread has gone"))??;
    Ok((child, *tid))
}

/// Runs `spawn` (which starts one child) so that no stray sweep can take the
/// new child for a stray: the sweep and the registration share one lock.
pub fn spawn_tracked<T>(
    spawn: impl FnOnce() -> std::io::Result<T>,
    pid_of: impl FnOnce(&T) -> Option<u32>,
) -> std::io::Result<T> {
    let mut spawned = spawned();
    let child = spawn()?;
    if let Some(pid) = pid_of(&child).and_then(|p| i32::try_from(p).ok()) {
        *spawned.entry(pid).or_default() += 1;
    }
    Ok(child)
}

/// The owner of a child started through [`spawn_tracked`] has reaped it.
pub fn reaped(pid: Option<u32>) {
    let Some(pid) = pid.and_then(|p| i32::try_from(p).ok()) else {
        return;
    };
    let mut spawned = spawned();
    if let Some(count) = spawned.get_mut(&pid) {
        *count -= 1;
        if *count == 0 {
            spawned.remove(&pid);
        }
    }
}

/// Sends `signal` to the single process `pid`.
pub fn signal_process(pid: i32, signal: libc::c_int) {
    if pid > 1 {
        // SAFETY: kill(2) has no memory-safety preconditions.
        unsafe {
            libc::kill(pid, signal);
        }
    }
}

/// One pass over the strays: KILLs every running child of this process that
/// the process adapter did not start (and all its descendants), reaps those
/// that are dead. Returns how many strays are not reaped yet.
fn sweep_once() -> usize {
    if !SUBREAPER.load(Ordering::SeqCst) {
        return 0;
    }
    let me = this_pid();
    let snapshot = Snapshot::take();
    let strays: Vec<i32> = {
        let spawned = spawned();
        snapshot
            .children_of(me)
            .iter()
            .copied()
            .filter(|pid| !spawned.contains_key(pid))
            .collect()
    };
    let mut left = 0;
    for stray in strays {
        // A child keeps its pid until this process reaps it: no reuse race.
        if snapshot.running(stray) {
            for descendant in snapshot.descendants_of(stray) {
                signal_process(descendant, libc::SIGKILL);
            }
            signal_process(stray, libc::SIGKILL);
        }
        let mut status = 0;
        // SAFETY: waitpid(2) on a child of ours that no one else waits for
        // (it is not in SPAWNED); `status` is a valid out pointer.
        let reaped = unsafe { libc::waitpid(stray, &raw mut status, libc::WNOHANG) };
        if reaped != stray {
            left += 1;
        }
    }
    left
}

/// Ends every stray child of this subreaper (see [`sweep_once`]), waiting up
/// to `wait` for the last to be reaped. A no-op unless [`become_subreaper`]
/// succeeded. Returns how many were still left.
pub fn end_strays(wait: Duration) -> usize {
    let deadline = Instant::now() + wait;
    loop {
        let left = sweep_once();
        if left == 0 || Instant::now() >= deadline {
            return left;
        }
        std::thread::sleep(POLL);
    }
}

/// [`end_strays`] for async callers.
pub async fn end_strays_async(wait: Duration) -> usize {
    let deadline = Instant::now() + wait;
    loop {
        let left = sweep_once();
        if left == 0 || Instant::now() >= deadline {
            return left;
        }
        tokio::time::sleep(POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_child_is_forked_by_the_one_long_lived_spawner_thread() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        // From a thread that ends at once, as a blocking-pool thread does.
        let handle = runtime.handle().clone();
        let (mut child, forked_by, caller) = std::thread::spawn(move || {
            let _entered = handle.enter();
            let mut command = tokio::process::Command::new("true");
            command.kill_on_drop(true);
            let (child, forked_by) = spawn(command).unwrap();
            (child, forked_by, current_thread_id())
        })
        .join()
        .unwrap();
        let (_, spawner_tid) = spawner().unwrap();
        assert_eq!(forked_by, *spawner_tid);
        assert_ne!(forked_by, caller);
        let status = runtime.block_on(child.wait()).unwrap();
        assert!(status.success());
        reaped(child.id());
    }

    #[test]
    fn a_tracked_child_is_counted_until_reaped() {
        let pid = 0x7fff_fff0_u32;
        let child = spawn_tracked(|| Ok(pid), |p| Some(*p)).unwrap();
        let key = i32::try_from(child).unwrap();
        assert_eq!(spawned().get(&key), Some(&1));
        reaped(Some(pid));
        assert!(!spawned().contains_key(&key));
    }

    #[test]
    fn a_failed_spawn_registers_nothing() {
        let before = spawned().len();
        let result = spawn_tracked(|| Err::<u32, _>(std::io::Error::other("no")), |p| Some(*p));
        assert!(result.is_err());
        assert_eq!(spawned().len(), before);
    }
}
