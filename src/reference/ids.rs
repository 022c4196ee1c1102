//! Fresh ids for processes, Identities and Devices.

use crate::domain::ProcessId;

/// Hands out ids that differ from each other and from one run to the next.
#[derive(Debug)]
pub struct IdSource {
    next: u64,
}

impl IdSource {
    /// Starts from the current time, so that runs do not repeat ids.
    pub fn seeded_from_time() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        Self { next: nanos }
    }

    /// A fresh process id.
    pub fn process_id(&mut self) -> ProcessId {
        self.next = self.next.wrapping_add(1);
        ProcessId::from_seed(self.next)
    }

    /// A fresh id with another three-letter prefix (`DVC`, `ID1`).
    pub fn other_id(&mut self, prefix: &str) -> String {
        let process = self.process_id();
        format!(
            "{prefix}{}",
            &process.as_str()[crate::domain::PROCESS_ID_PREFIX.len()..]
        )
    }
}
