//! The exit codes of `run` (and of the whole program).

/// Exit code: everything passed.
pub const EXIT_PASSED: u8 = 0;
/// Exit code: a scenario failed or errored.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: bad usage (clap uses it too).
pub const EXIT_USAGE: u8 = 2;
/// Exit code: nothing failed, but a step has no definition: the suite is
/// incomplete (never a pass, never the implementation's fault).
pub const EXIT_INCOMPLETE: u8 = 3;
