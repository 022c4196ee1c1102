//! Ctrl-C (SIGINT) and SIGTERM while xtask writes files. Outside a staging
//! section the signal ends xtask at once (exit 130), as it would without a
//! handler: nothing of ours is half-written then. Inside one (`stage`), the
//! signal is only recorded; `stage` checks it between its steps, rolls back
//! and drops its staged temporary files, so an interrupted `gen` or `sync`
//! leaves neither a half-written target nor a temporary file, and xtask
//! exits 130. A second signal inside a section ends xtask at once.

use std::sync::atomic::{AtomicBool, Ordering};

/// A signal arrived while a staging section was open.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// A staging section is open.
static IN_SECTION: AtomicBool = AtomicBool::new(false);

/// The exit status of a process ended by SIGINT, as shells report it.
pub const EXIT_INTERRUPTED: i32 = 130;

extern "C" fn on_signal(_: libc::c_int) {
    // Only async-signal-safe work here: atomics and _exit.
    if !IN_SECTION.load(Ordering::SeqCst) || INTERRUPTED.swap(true, Ordering::SeqCst) {
        // SAFETY: _exit is async-signal-safe and ends the process.
        unsafe { libc::_exit(EXIT_INTERRUPTED) };
    }
}

/// Installs the handler for SIGINT and SIGTERM (call once, early in `main`).
pub fn install() {
    let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
    // SAFETY: the handler only touches atomics and calls _exit.
    unsafe {
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
}

/// An open staging section: signals are recorded, not fatal, until it is dropped.
#[derive(Debug)]
pub struct Section(());

impl Section {
    /// Opens a section.
    pub fn open() -> Self {
        IN_SECTION.store(true, Ordering::SeqCst);
        Section(())
    }
}

impl Drop for Section {
    fn drop(&mut self) {
        IN_SECTION.store(false, Ordering::SeqCst);
    }
}

/// Whether a signal arrived during a staging section (`main` then exits
/// with [`EXIT_INTERRUPTED`]).
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
