//! Independent cases over several processes of one implementation (`run
//! --jobs N`, `fuzz --jobs N`): each process takes the next case as soon as
//! it is free, and no case starts after one with a lower index has failed.
//! Each case starts from fresh Identities of its own, so which process runs
//! it changes nothing; the caller reads the outcomes in case order, as a
//! sequential run would have met them.

use crate::adapter::Adapter;
use crate::oracle::Waivers;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::runtime::Handle;

/// What one case did.
#[derive(Debug)]
pub struct CaseRun<E> {
    /// Its result.
    pub result: Result<(), E>,
    /// The waiver counts it made (an [`Waivers::uncounted`] copy of the
    /// run's waivers: the caller absorbs those a sequential run would count).
    pub waivers: Arc<Waivers>,
    /// The operations it executed.
    pub operations: u64,
}

/// Runs cases `0..count` with `case` over every process of `members`, one
/// case at a time on each; blocks (call it off the runtime's worker threads).
/// Returns each case's run in case order: `None` for a case not started
/// because one with a lower index had failed.
pub fn spread<E, F, Fut>(
    members: &[Arc<dyn Adapter>],
    runtime: &Handle,
    count: usize,
    case: F,
) -> Vec<Option<CaseRun<E>>>
where
    F: Fn(Arc<dyn Adapter>, usize) -> Fut,
    Fut: Future<Output = CaseRun<E>>,
{
    let next = AtomicUsize::new(0);
    let first_failure = AtomicUsize::new(usize::MAX);
    let runs: Vec<Mutex<Option<CaseRun<E>>>> = (0..count).map(|_| Mutex::new(None)).collect();
    let workers = members.iter().map(|member| {
        let (next, first_failure, runs, case) = (&next, &first_failure, &runs, &case);
        async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= count || i > first_failure.load(Ordering::SeqCst) {
                    break;
                }
                let run = case(member.clone(), i).await;
                if run.result.is_err() {
                    first_failure.fetch_min(i, Ordering::SeqCst);
                }
                *runs[i].lock().unwrap_or_else(PoisonError::into_inner) = Some(run);
            }
        }
    });
    runtime.block_on(futures::future::join_all(workers));
    runs.into_iter()
        .map(|run| run.into_inner().unwrap_or_else(PoisonError::into_inner))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::ReferenceImplementation;

    #[test]
    fn every_case_runs_once_and_none_starts_after_an_earlier_failure() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let member = || Arc::new(ReferenceImplementation::new()) as Arc<dyn Adapter>;
        let members = [member(), member(), member()];
        let case = |_: Arc<dyn Adapter>, i: usize| async move {
            CaseRun {
                result: if i == 5 || i == 9 { Err(i) } else { Ok(()) },
                waivers: Arc::new(Waivers::default()),
                operations: i as u64,
            }
        };
        let runs = spread(&members, runtime.handle(), 12, case);
        assert_eq!(runs.len(), 12);
        for (i, run) in runs.iter().enumerate().take(6) {
            let run = run
                .as_ref()
                .expect("every case up to the first failure ran");
            assert_eq!(run.operations, i as u64);
            assert_eq!(run.result.is_err(), i == 5);
        }
        assert!(
            runs[6..].iter().all(Option::is_none),
            "nothing starts after case 5 failed"
        );
        let passed = spread(&members, runtime.handle(), 7, |_, i| async move {
            CaseRun::<()> {
                result: Ok(()),
                waivers: Arc::new(Waivers::default()),
                operations: i as u64,
            }
        });
        assert!(passed.iter().all(Option::is_some));
    }
}
