//! Every command of docs/vendors.md runs, so the guide cannot rot: the
//! fenced `sh` blocks are run in order, in one bash session, from a fresh
//! "implementation repository", with `ec` / `enmeshed-conformance` the binary
//! under test and `$SUITE` this checkout (so the Python example is the
//! implementation). Only the commands that need GitHub are skipped, listed
//! in [`NEEDS_GITHUB`].

use std::path::Path;
use std::process::Command;

const GUIDE: &str = "docs/vendors.md";

/// Commands that need GitHub (a clone or an install from the suite's
/// repository); the binary under test stands in for what they install.
const NEEDS_GITHUB: &[&str] = &[
    "cargo install --locked --git <enmeshed-conformance repository> --tag v0.1.0 enmeshed-conformance",
];

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
fn every_command_of_the_vendor_guide_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let guide = std::fs::read_to_string(root.join(GUIDE)).unwrap();
    let all = commands(&guide);
    assert!(all.len() >= 10, "{all:?}");
    for skipped in NEEDS_GITHUB {
        assert!(
            all.iter().any(|c| without_comment(c) == *skipped),
            "{skipped} is no longer in the guide: update NEEDS_GITHUB"
        );
    }
    let binary = Path::new(env!("CARGO_BIN_EXE_enmeshed-conformance"));
    let repository = tempfile::tempdir().unwrap();
    let mut script = String::from("set -euo pipefail\nec() { enmeshed-conformance \"$@\"; }\n");
    let mut ran = 0;
    for command in &all {
        if NEEDS_GITHUB.contains(&without_comment(command)) {
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
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(repository.path())
        .env("PATH", path)
        .env("SUITE", root)
        .env("HOME", repository.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "a command of {GUIDE} failed (the last `>>>` line):\n{stderr}"
    );
    assert_eq!(stderr.matches(">>> ").count(), ran, "{stderr}");
    assert!(repository.path().join("conformance/adapter.py").is_file());
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
