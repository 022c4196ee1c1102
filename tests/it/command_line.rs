//! The command line as a vendor meets it: exit codes in `--help`, bad usage
//! is exit 2 everywhere (a bad `--adapter-cmd` included), reports are written
//! when the implementation does not start, and completion scripts.

use crate::support::cli;

use cli::binary;
use std::process::Output;

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn help_lists_the_exit_codes() {
    for args in [&["--help"][..], &["run", "--help"]] {
        let out = cli::stdout(&binary(args));
        for line in [
            "  0  passed",
            "  1  failed",
            "  2  bad usage",
            "  3  incomplete",
        ] {
            assert!(out.contains(line), "{args:?}: {line}\n{out}");
        }
    }
    for command in ["fuzz", "smoke", "coverage"] {
        let out = cli::stdout(&binary(&[command, "--help"]));
        assert!(out.contains("  2  bad usage"), "{command}: {out}");
    }
}

#[test]
fn a_bad_adapter_command_is_bad_usage_in_every_subcommand() {
    let missing = "no-such-program-for-enmeshed x";
    for command in ["run", "fuzz", "smoke", "coverage"] {
        for bad in [missing, "python3 'unclosed", "", "./no/such/adapter"] {
            let output = binary(&[command, "--adapter-cmd", bad]);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{command} {bad:?}: {}",
                stderr(&output)
            );
            assert!(
                stderr(&output).contains("--adapter-cmd"),
                "{}",
                stderr(&output)
            );
        }
    }
}

#[test]
fn a_zero_timeout_is_refused_with_a_consistent_message() {
    let output = binary(&["run", "--timeout", "0"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("greater than 0"), "{err}");
    assert!(!err.contains("between 0"), "{err}");
}

#[test]
fn reports_are_written_when_the_handshake_times_out() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let summary = dir.path().join("summary.md");
    // `sleep` never answers `start`.
    let output = binary(&[
        "run",
        "--adapter-cmd",
        "sleep 30",
        "--startup-timeout",
        "0.3",
        "--junit",
        junit.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
    ]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("raise --startup-timeout"), "{err}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("errors=\"1\""), "{xml}");
    assert!(xml.contains("<error type=\"TIMEOUT\""), "{xml}");
    assert!(xml.contains("raise --startup-timeout"), "{xml}");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.contains("ERRORED") && md.contains("**TIMEOUT**"), "{md}");
}

#[test]
fn reports_are_written_when_the_adapter_command_cannot_start() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let output = binary(&[
        "run",
        "--adapter-cmd",
        "no-such-program-for-enmeshed",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("<error type=\"USAGE\""), "{xml}");
    assert!(xml.contains("is not on PATH"), "{xml}");
}

#[test]
fn completions_are_printed_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef enmeshed-conformance"),
        ("fish", "complete -c enmeshed-conformance"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer"),
    ] {
        let output = binary(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = cli::stdout(&output);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("adapter-cmd"), "{shell}");
    }
    assert_eq!(binary(&["completions", "tcsh"]).status.code(), Some(2));
}

/// The `--help` paragraph of `option` of `command`.
fn help_of(command: &str, option: &str) -> String {
    let help = cli::stdout(&cli::binary(&[command, "--help"]));
    let at = help
        .find(&format!("{option} <"))
        .unwrap_or_else(|| panic!("{command} {option} in --help:\n{help}"));
    let end = help[at..].find("\n  -").map_or(help.len(), |e| at + e);
    help[at..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_numeric_option_names_its_maximum_and_is_bad_usage_above_it() {
    use enmeshed_conformance::{fuzz, runner};
    // The timeouts' maximum is the command line's `MAX_TIMEOUT_SECS` (one day).
    let day = 86_400;
    for (command, option, max) in [
        ("run", "--concurrency", u64::from(runner::MAX_CONCURRENCY)),
        ("run", "--fuzz-cases", u64::from(fuzz::MAX_CASES)),
        ("run", "--timeout", day),
        ("run", "--startup-timeout", day),
        ("fuzz", "--cases", u64::from(fuzz::MAX_CASES)),
        ("fuzz", "--max-ops", u64::from(fuzz::MAX_OPS)),
        (
            "fuzz",
            "--concurrency-cases",
            u64::from(fuzz::MAX_CONCURRENCY_CASES),
        ),
        ("smoke", "--timeout", day),
        ("coverage", "--startup-timeout", day),
    ] {
        let help = help_of(command, option);
        assert!(
            help.contains(&format!("at most {max}")),
            "{command} {option}: {help}"
        );
        for value in [
            (max + 1).to_string(),
            u32::MAX.to_string(),
            u64::MAX.to_string(),
        ] {
            let output = cli::binary(&[command, option, &value, "--adapter-cmd", "true"]);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{command} {option} {value}: {stderr}"
            );
            assert!(
                stderr.contains(option),
                "{command} {option} {value}: {stderr}"
            );
        }
    }
}
