//! npm packages a test needs, installed by the test itself: `npm ci` from
//! the directory's committed lock file when its marker is missing. A test
//! that cannot install them fails naming the command; it is never skipped.
//!
//! Shared by the `it` tests and xtask's tests (`#[path]`), so one rule holds
//! for every test that needs an npm package.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

/// Serialises installs in one test process: two tests needing the same
/// directory must not run `npm ci` in it at once.
static INSTALLING: Mutex<()> = Mutex::new(());

/// Makes sure the npm packages of `dir` (relative to the workspace root
/// `root`) are installed: `marker` (relative to `dir`) exists, or `npm ci`
/// runs there once. Panics with the command to run by hand when npm is
/// missing or the install fails.
pub fn ensure_installed(root: &Path, dir: &str, marker: &str) {
    let _guard = INSTALLING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let path = root.join(dir);
    if path.join(marker).exists() {
        return;
    }
    let command = format!("(cd {dir} && npm ci --no-audit --no-fund)");
    let output = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&path)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run npm ({e}) to install {dir}: install Node 20 with npm, then run `{command}`")
        });
    assert!(
        output.status.success(),
        "`{command}` failed (the test installs {dir} itself; run it by hand to see why):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        path.join(marker).exists(),
        "`{command}` succeeded but {dir}/{marker} is still missing"
    );
}
