//! Files in and out: the one safe writer ([`write`](mod@write)) every file the suite
//! or xtask writes goes through, the one bounded reader ([`read`]) every
//! input file is read with, and the check of a run's output paths against
//! its inputs and each other ([`outputs`]), made before anything runs.

pub mod outputs;
pub mod read;
pub mod write;

pub use read::{Limit, ReadError, read_bounded, read_text};
pub use write::{
    Dir, Pinned, WriteError, append_file, check_writable, pin, remove_staged, write_file,
};
