//! The implementation under test: the `--adapter-cmd` / `--timeout` /
//! `--startup-timeout` group shared by every subcommand that starts one, and
//! how a bad command is told apart (bad usage, exit 2) from an implementation
//! that does not answer.

use super::{EXIT_FAILED, usage};
use enmeshed_conformance::adapter::{Adapter, AdapterError, AdapterFault};
use enmeshed_conformance::process::{
    DEFAULT_STARTUP_TIMEOUT, DEFAULT_TIMEOUT, ProcessAdapter, Timeouts,
};
use enmeshed_conformance::protocol::words;
use enmeshed_conformance::reference::ReferenceImplementation;
use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The largest `--timeout` or `--startup-timeout`, in seconds (one day).
pub const MAX_TIMEOUT_SECS: f64 = 86_400.0;

/// Which implementation to test.
#[derive(Debug, Clone, clap::Args)]
pub struct AdapterArgs {
    /// Test an implementation run as this command, speaking the stdio protocol (PROTOCOL.md),
    /// e.g. "python3 examples/python/enmeshed_idp.py". Split like a shell splits words
    /// (quotes, backslashes; no expansion). Default: the reference implementation.
    #[arg(long, value_name = "COMMAND ARGS")]
    pub adapter_cmd: Option<String>,
    /// Seconds to wait for each reply of the adapter command after the handshake (at most 86400).
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT.as_secs_f64(), value_parser = parse_timeout)]
    pub timeout: f64,
    /// Seconds to wait for the adapter command to start and answer the
    /// handshake (at every start). Default: the larger of `--timeout` and
    /// [`DEFAULT_STARTUP_TIMEOUT`].
    #[arg(long, value_name = "SECS", value_parser = parse_timeout, help = startup_help())]
    pub startup_timeout: Option<f64>,
}

/// The `--help` line of `--startup-timeout`, naming the default's constant.
fn startup_help() -> String {
    format!(
        "Seconds to wait for the adapter command to start and answer the handshake (at every start, \
         the fresh process after a fault too; at most {MAX_TIMEOUT_SECS}). Default: the larger of --timeout and {}",
        DEFAULT_STARTUP_TIMEOUT.as_secs()
    )
}

/// Parses `--timeout` and `--startup-timeout`: a number of seconds above 0,
/// at most [`MAX_TIMEOUT_SECS`].
pub fn parse_timeout(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs.is_finite() && secs <= MAX_TIMEOUT_SECS => Ok(secs),
        _ => Err(format!(
            "`{text}` is not a timeout: give a number of seconds greater than 0 and at most {MAX_TIMEOUT_SECS}"
        )),
    }
}

/// Why the implementation under test is not there.
#[derive(Debug)]
pub enum StartError {
    /// The command cannot be split or its program cannot be found or run:
    /// bad usage (exit 2).
    Usage(String),
    /// The program started, but the handshake failed (TIMEOUT, CRASH,
    /// PROTOCOL, DECLINED): the implementation's fault (exit 1).
    Failed(AdapterError),
}

impl StartError {
    /// The exit code: bad usage or failed.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            StartError::Usage(_) => ExitCode::from(super::EXIT_USAGE),
            StartError::Failed(_) => ExitCode::from(EXIT_FAILED),
        }
    }
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Usage(message) => f.write_str(message),
            StartError::Failed(e) => write!(f, "cannot start the implementation: {e}"),
        }
    }
}

impl AdapterArgs {
    /// The timeouts: `--timeout` for each reply, `--startup-timeout` (or its
    /// default) for a start.
    pub fn timeouts(&self) -> Timeouts {
        let timeouts = Timeouts::new(Duration::from_secs_f64(self.timeout));
        match self.startup_timeout {
            Some(secs) => timeouts.with_startup(Duration::from_secs_f64(secs)),
            None => timeouts,
        }
    }

    /// Starts the implementation under test (the reference implementation
    /// without `--adapter-cmd`).
    pub async fn start(&self) -> Result<Arc<dyn Adapter>, StartError> {
        let Some(command) = &self.adapter_cmd else {
            return Ok(Arc::new(ReferenceImplementation::new()));
        };
        check_command(command).map_err(StartError::Usage)?;
        ProcessAdapter::start(command, self.timeouts())
            .await
            .map(|a| Arc::new(a) as Arc<dyn Adapter>)
            .map_err(StartError::Failed)
    }
}

/// Checks an `--adapter-cmd` before it is started: it must split into words
/// and its program must exist and be executable (a path with a `/`, or a
/// name found on `PATH`). Returns the words.
pub fn check_command(command: &str) -> Result<Vec<String>, String> {
    let words = words::split(command).map_err(|e| format!("--adapter-cmd `{command}`: {e}"))?;
    let Some(program) = words.first() else {
        return Err("--adapter-cmd is empty: give the command that starts your implementation, e.g. \"python3 adapter.py\"".to_owned());
    };
    enmeshed_conformance::protocol::command::find_program(program)
        .map_err(|e| format!("--adapter-cmd `{command}`: {e}"))?;
    Ok(words)
}

/// Starts the implementation, runs `command` against it and stops it again.
pub async fn with_adapter<'a, F>(args: &AdapterArgs, command: F) -> ExitCode
where
    F: FnOnce(Arc<dyn Adapter>) -> Pin<Box<dyn Future<Output = ExitCode> + 'a>>,
{
    let adapter = match args.start().await {
        Ok(adapter) => adapter,
        Err(e @ StartError::Usage(_)) => return usage(e),
        Err(e) => {
            eprintln!(
                "error: {}",
                enmeshed_conformance::sanitize::terminal::text(&format!(
                    "{e}{}",
                    timeout_hint(&e, args)
                ))
            );
            return e.exit_code();
        }
    };
    let code = command(adapter.clone()).await;
    adapter.close().await;
    code
}

/// A hint to raise `--startup-timeout` when the start timed out, else nothing.
pub fn timeout_hint(error: &StartError, args: &AdapterArgs) -> String {
    match error {
        StartError::Failed(e) if e.fault == AdapterFault::Timeout => format!(
            "\nhint: the implementation did not answer the handshake within --startup-timeout {} s; if it starts slowly, raise --startup-timeout",
            args.timeouts().startup.as_secs_f64()
        ),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zero_timeout_is_refused_without_contradiction() {
        let message = parse_timeout("0").unwrap_err();
        assert!(message.contains("greater than 0"), "{message}");
        assert!(!message.contains("between 0"), "{message}");
        assert!(parse_timeout("-1").is_err());
        assert!(parse_timeout("NaN").is_err());
        assert!(parse_timeout("86401").is_err());
        assert_eq!(parse_timeout("0.5"), Ok(0.5));
        assert_eq!(parse_timeout("86400"), Ok(86_400.0));
    }

    fn parse(args: &[&str]) -> Result<AdapterArgs, clap::Error> {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            adapter: AdapterArgs,
        }
        let words = std::iter::once("test").chain(args.iter().copied());
        <Cli as clap::Parser>::try_parse_from(words).map(|cli| cli.adapter)
    }

    #[test]
    fn the_start_gets_the_larger_of_timeout_and_the_default_unless_told() {
        let secs = Duration::from_secs_f64;
        let timeouts = |args: &[&str]| {
            let t = parse(args).unwrap().timeouts();
            (t.reply, t.startup)
        };
        assert_eq!(timeouts(&[]), (DEFAULT_TIMEOUT, DEFAULT_STARTUP_TIMEOUT));
        assert_eq!(timeouts(&["--timeout", "1"]), (secs(1.0), secs(30.0)));
        assert_eq!(timeouts(&["--timeout", "90"]), (secs(90.0), secs(90.0)));
        assert_eq!(
            timeouts(&["--timeout", "90", "--startup-timeout", "0.5"]),
            (secs(90.0), secs(0.5))
        );
        for bad in ["0", "-1", "NaN", "86401"] {
            assert!(parse(&["--startup-timeout", bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_command_must_split_and_name_a_program() {
        assert!(check_command("sh -c 'exit 0'").is_ok());
        assert!(check_command("").unwrap_err().contains("empty"));
        assert!(check_command("python3 'unclosed").is_err());
        let missing = check_command("no-such-program-for-the-suite x").unwrap_err();
        assert!(missing.contains("not on PATH"), "{missing}");
        let path = check_command("./no/such/file").unwrap_err();
        assert!(path.contains("cannot be found"), "{path}");
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        std::fs::write(&plain, "").unwrap();
        let not_executable = check_command(plain.to_str().unwrap()).unwrap_err();
        assert!(
            not_executable.contains("not an executable"),
            "{not_executable}"
        );
    }
}
