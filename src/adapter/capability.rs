//! What an implementation says about itself.

use std::collections::BTreeSet;
use std::fmt;

/// An optional ability of an implementation. A scenario that needs one the
/// implementation lacks is skipped, with the reason in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// The Identity's clock can be stopped, moved forward and set to an instant
    /// (grace-period scenarios).
    Clock,
    /// Status-changed events can be observed.
    Events,
    /// An Identity can get more Devices, and calls can name the Device that acts.
    Devices,
}

impl Capability {
    /// Every capability.
    pub const ALL: [Capability; 3] = [Capability::Clock, Capability::Events, Capability::Devices];

    /// The name used in tags (`@requires.clock`) and in the protocol.
    pub const fn name(self) -> &'static str {
        match self {
            Capability::Clock => "clock",
            Capability::Events => "events",
            Capability::Devices => "devices",
        }
    }

    /// The capability called `name`.
    pub fn parse(name: &str) -> Option<Capability> {
        Capability::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The scenario tag that declares a need for this capability (without `@`).
    pub fn tag(self) -> String {
        format!("requires.{}", self.name())
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Name, version and capabilities of an implementation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImplementationInfo {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// What it can do beyond the five facade functions.
    pub capabilities: BTreeSet<Capability>,
}

impl ImplementationInfo {
    /// Whether it has `capability`.
    pub fn has(&self, capability: Capability) -> bool {
        self.capabilities.contains(&capability)
    }
}
