//! What an implementation says about itself.

use std::collections::BTreeSet;
use std::fmt;

/// An optional ability of an implementation. A scenario that needs one the
/// implementation lacks is skipped, with the reason in the report.
///
/// Protocol evolution (PROTOCOL.md, "Evolution"): a request or request field
/// added after protocol version 1's first revision belongs to a capability of
/// its own, so an implementation written against an earlier revision never
/// receives it; it gets a verdict with those scenarios skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Capability {
    /// The Identity's clock can be stopped and moved forward (`advanceClock`;
    /// grace-period scenarios). In protocol version 1 from its first revision.
    Clock,
    /// Status-changed events can be observed (`takeEvents`). In protocol
    /// version 1 from its first revision.
    Events,
    /// An Identity can get more Devices (`newDevice`), and `initiate` and
    /// `cancel` can name the Device that acts (`device`). Added in revision 2
    /// of protocol version 1.
    Devices,
    /// The Identity's clock can be stopped at an exact instant (`setClock`;
    /// daylight-saving scenarios). Added in revision 2 of protocol version 1,
    /// first under `clock`; since revision 3 a capability of its own, so that
    /// an implementation of revision 1 that offers `clock` is never sent it.
    SetClock,
}

impl Capability {
    /// Every capability.
    pub const ALL: [Capability; 4] = [
        Capability::Clock,
        Capability::Events,
        Capability::Devices,
        Capability::SetClock,
    ];

    /// The name used in tags (`@requires.clock`) and in the protocol.
    pub const fn name(self) -> &'static str {
        match self {
            Capability::Clock => "clock",
            Capability::Events => "events",
            Capability::Devices => "devices",
            Capability::SetClock => "setClock",
        }
    }

    /// The protocol requests and request fields this capability stands for
    /// (what an implementation without it is never sent).
    pub const fn requests(self) -> &'static str {
        match self {
            Capability::Clock => "`advanceClock`",
            Capability::Events => "`takeEvents`",
            Capability::Devices => "`newDevice` and the `device` field of `initiate` and `cancel`",
            Capability::SetClock => "`setClock`",
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
