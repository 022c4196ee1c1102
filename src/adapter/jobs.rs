//! `run --jobs N`: the same implementation started N times, and which of
//! them a scenario runs on.
//!
//! Each scenario takes a [`Lease`] on one member for its whole life (all its
//! Identities and calls go to that one process), so a fault of one process
//! errors only the scenarios placed on it. A scenario goes to the member with
//! the fewest scenarios running, the lowest index among equals. Which member
//! that is never changes a verdict: the members are the same command, and a
//! scenario's Identities are fresh.

use super::Adapter;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The implementation processes of one run; member 0 also runs the fuzz
/// properties and the protocol checks (so that the concurrency properties
/// race inside one process).
pub struct Jobs {
    members: Vec<Arc<dyn Adapter>>,
    running: Vec<AtomicUsize>,
}

impl std::fmt::Debug for Jobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs")
            .field("members", &self.members.len())
            .finish_non_exhaustive()
    }
}

impl Jobs {
    /// The processes `first` and `others` (which may be empty: one process).
    pub fn new(first: Arc<dyn Adapter>, others: Vec<Arc<dyn Adapter>>) -> Self {
        let mut members = vec![first];
        members.extend(others);
        let running = members.iter().map(|_| AtomicUsize::new(0)).collect();
        Self { members, running }
    }

    /// Member 0: the fuzz properties and the protocol checks run on it.
    pub fn first(&self) -> &Arc<dyn Adapter> {
        &self.members[0]
    }

    /// Every member, member 0 first.
    pub fn members(&self) -> &[Arc<dyn Adapter>] {
        &self.members
    }

    /// Places a scenario on the member with the fewest scenarios running (the
    /// lowest index among equals) until the lease is dropped.
    pub fn lease(self: &Arc<Self>) -> Lease {
        let index = (0..self.running.len())
            .min_by_key(|&i| self.running[i].load(Ordering::SeqCst))
            .unwrap_or(0);
        self.running[index].fetch_add(1, Ordering::SeqCst);
        Lease {
            jobs: self.clone(),
            index,
        }
    }
}

/// One scenario's member of [`Jobs`]; dropping it ends the placement.
pub struct Lease {
    jobs: Arc<Jobs>,
    index: usize,
}

impl Lease {
    /// The implementation process the scenario runs on.
    pub fn adapter(&self) -> &Arc<dyn Adapter> {
        &self.jobs.members[self.index]
    }

    /// Its index (0 is the first process).
    pub fn index(&self) -> usize {
        self.index
    }
}

impl std::fmt::Debug for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lease").field("index", &self.index).finish()
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.jobs.running[self.index].fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::ReferenceImplementation;

    fn three() -> Arc<Jobs> {
        let member = || Arc::new(ReferenceImplementation::new()) as Arc<dyn Adapter>;
        Arc::new(Jobs::new(member(), vec![member(), member()]))
    }

    #[test]
    fn scenarios_go_to_the_least_loaded_member_and_leave_it_when_dropped() {
        let jobs = three();
        let a = jobs.lease();
        let b = jobs.lease();
        let c = jobs.lease();
        assert_eq!((a.index(), b.index(), c.index()), (0, 1, 2));
        drop(b);
        let e = jobs.lease();
        assert_eq!(e.index(), 1, "the member a dropped lease left");
        let d = jobs.lease();
        assert_eq!(d.index(), 0, "all busy once: the lowest index");
        assert!(Arc::ptr_eq(d.adapter(), jobs.first()));
    }
}
