//! Every command of docs/vendors.md runs as written, so the guide cannot
//! rot: the fenced `sh` blocks are run in order, in one bash session, from a
//! fresh "implementation repository", with `enmeshed-conformance` the binary
//! under test and `$SUITE` this checkout (so the Python example is the
//! implementation). No abbreviation is defined: a command the guide does not
//! spell out fails.
//!
//! Two kinds of command compile the suite, which takes minutes:
//! - [`BUILDS_THE_SUITE`], the release install of §1, is not run: the binary
//!   under test stands in for what it installs (`.ci/run` builds the release
//!   wheel and runs it from a fresh virtualenv);
//! - the Rust section's commands (those naming [`RUST_CRATE`]) run when
//!   `VENDOR_GUIDE_RUST=1` (`.ci/run` sets it), in a target directory of their
//!   own (`target/vendor-guide`), with the network for `cargo add`.

use std::path::Path;
use std::process::Command;

const GUIDE: &str = "docs/vendors.md";

/// The release install of the suite (without its comment); the binary under
/// test stands in for what it installs.
const BUILDS_THE_SUITE: &[&str] = &["cargo install --locked --path \"$SUITE\""];

/// The crate the Rust section creates: its commands name it.
const RUST_CRATE: &str = "idp-conformance";

/// The commands of the fenced `sh` blocks, in order (a line ending in `\`
/// continues on the next).
fn commands(markdown: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in markdown.lines() {
        let fence = line.trim_start();
        if fence.starts_with("```") {
            in_sh = !in_sh && fence == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        if let Some(start) = line.strip_suffix('\\') {
            pending.push_str(start);
            continue;
        }
        pending.push_str(line);
        let command = std::mem::take(&mut pending);
        if !command.trim().is_empty() {
            commands.push(command.trim().to_owned());
        }
    }
    commands
}

/// A command without its trailing `# comment`.
fn without_comment(command: &str) -> &str {
    command.split("  #").next().unwrap_or(command).trim()
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn every_command_of_the_vendor_guide_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let guide = std::fs::read_to_string(root.join(GUIDE)).unwrap();
    let all = commands(&guide);
    assert!(all.len() >= 10, "{all:?}");
    for skipped in BUILDS_THE_SUITE {
        assert!(
            all.iter().any(|c| without_comment(c) == *skipped),
            "{skipped} is no longer in the guide: update BUILDS_THE_SUITE"
        );
    }
    assert!(
        all.iter().filter(|c| c.contains(RUST_CRATE)).count() >= 3,
        "the Rust section has commands: {all:?}"
    );
    let rust = std::env::var("VENDOR_GUIDE_RUST").is_ok_and(|v| v == "1");
    if !rust {
        eprintln!("the Rust section is not run: set VENDOR_GUIDE_RUST=1 (.ci/run does)");
    }
    let binary = Path::new(env!("CARGO_BIN_EXE_enmeshed-conformance"));
    let repository = tempfile::tempdir().unwrap();
    let mut script = String::from("set -euo pipefail\n");
    let mut ran = 0;
    for command in &all {
        if BUILDS_THE_SUITE.contains(&without_comment(command))
            || (!rust && command.contains(RUST_CRATE))
        {
            continue;
        }
        script.push_str(&format!(
            "echo '>>> {}' >&2\n",
            command.replace('\'', "'\\''")
        ));
        script.push_str(command);
        script.push_str(" >/dev/null\n");
        ran += 1;
    }
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let home = std::env::var("HOME").unwrap_or_default();
    let tool_home = |var: &str, default: &str| {
        std::env::var(var).unwrap_or_else(|_| format!("{home}/{default}"))
    };
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(repository.path())
        .env("PATH", path)
        .env("SUITE", root)
        .env("HOME", repository.path())
        // Cargo's and rustup's own homes stay where they are (the registry cache).
        .env("CARGO_HOME", tool_home("CARGO_HOME", ".cargo"))
        .env("RUSTUP_HOME", tool_home("RUSTUP_HOME", ".rustup"))
        .env("CARGO_TARGET_DIR", root.join("target/vendor-guide"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "a command of {GUIDE} failed (the last `>>>` line):\n{stderr}"
    );
    assert_eq!(stderr.matches(">>> ").count(), ran, "{stderr}");
    assert!(repository.path().join("conformance/adapter.py").is_file());
    if rust {
        let junit = repository
            .path()
            .join(RUST_CRATE)
            .join("target/conformance/junit.xml");
        let xml = std::fs::read_to_string(&junit).unwrap();
        assert!(xml.contains("in-memory example"), "{xml}");
    }
}

/// README commands that run elsewhere, without their comments: the installs
/// and `cargo run --release` build the suite (minutes), `cargo test` (both
/// tiers) is what runs this test, and the real runtime's commands need `npm ci`
/// (network); `.ci/run` runs each of them (or the same with `--locked`).
const README_ELSEWHERE: &[&str] = &[
    "cargo install --locked --path .",
    "cargo run --release -- run",
    "cargo test --workspace",
    "cargo test --workspace -- --include-ignored",
    "(cd adapters/nmshd-runtime && npm ci)",
    // Runs every implementation and runtime version (the runtime after its `npm ci`): xtask/tests/it/html_report.rs.
    "cargo xtask matrix \"$out/matrix\"",
    "enmeshed-conformance run  --adapter-cmd \"node adapters/nmshd-runtime/adapter.js\" --timeout 30     --expectations adapters/nmshd-runtime/expectations/7.0.0.toml",
    "enmeshed-conformance fuzz --adapter-cmd \"node adapters/nmshd-runtime/adapter.js\" --timeout 30     --expectations adapters/nmshd-runtime/expectations/7.0.0.toml --cases 64 --concurrency-cases 8",
];

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn every_other_command_of_the_readme_runs_from_the_repository_root() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let all = commands(&readme);
    for elsewhere in README_ELSEWHERE {
        assert!(
            all.iter().any(|c| without_comment(c) == *elsewhere),
            "{elsewhere} is no longer in README.md: update README_ELSEWHERE ({all:?})"
        );
    }
    let binary = Path::new(env!("CARGO_BIN_EXE_enmeshed-conformance"));
    let mut script = String::from("set -euo pipefail\n");
    let mut ran = 0;
    for command in all
        .iter()
        .filter(|c| !README_ELSEWHERE.contains(&without_comment(c)))
    {
        script.push_str(&format!(
            "echo '>>> {}' >&2\n",
            command.replace('\'', "'\\''")
        ));
        script.push_str(command);
        script.push_str(" >/dev/null\n");
        ran += 1;
    }
    assert!(ran >= 3, "{script}");
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(root)
        .env("PATH", path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "a command of README.md failed (the last `>>>` line):\n{stderr}"
    );
    assert_eq!(stderr.matches(">>> ").count(), ran, "{stderr}");
}

#[test]
fn commands_are_read_from_sh_blocks_only() {
    let markdown = "text\n```sh\nec run \\\n  --list  # comment\n\n```\n```toml\nx = 1\n```\n```\nplain\n```\n```sh\necho two\n```\n";
    assert_eq!(
        commands(markdown),
        ["ec run   --list  # comment", "echo two"]
    );
    assert_eq!(
        without_comment("ec run   --list  # comment"),
        "ec run   --list"
    );
}
