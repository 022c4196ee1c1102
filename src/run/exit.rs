//! The exit codes of `run` (and of the whole program).

/// Exit code: everything passed.
pub const EXIT_PASSED: u8 = 0;
/// Exit code: the implementation failed or errored a test case (or the
/// gate found a problem, or nothing ran).
pub const EXIT_FAILED: u8 = 1;
/// Exit code: bad usage (clap uses it too).
pub const EXIT_USAGE: u8 = 2;
/// Exit code: the suite's own fault: the implementation failed nothing, but
/// the suite could not judge a test case (a step has no definition, or the
/// suite itself failed: `ERRORED SUITE`). Never a pass, never the
/// implementation's fault.
pub const EXIT_INCOMPLETE: u8 = 3;
