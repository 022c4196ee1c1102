//! The reports of a run whose implementation never started (a bad
//! `--adapter-cmd`, a crash or a timeout in the handshake): one errored test
//! case saying so, so that CI shows the cause where it looks for results.
//! [`crate::run::Run::start_failed`] writes them.

use crate::protocol::excerpt_value;
use crate::runner::{SUITE_VERSION, junit};
use crate::sanitize::markdown;
use std::path::Path;

/// The name of the one test case.
pub const TEST_CASE: &str = crate::results::NOT_RUN_CASE;

/// What went wrong, as the reports state it.
#[derive(Debug, Clone)]
pub struct StartFailure {
    /// The `--adapter-cmd`.
    pub command: String,
    /// The fault label (`TIMEOUT`, `CRASH`, `PROTOCOL`, ...) or `USAGE`.
    pub kind: &'static str,
    /// The cause, with the hint if there is one.
    pub message: String,
    /// The digest of the features the run would have run, when known.
    pub spec_digest: Option<String>,
}

impl StartFailure {
    /// The failure of `command`: its kind (a fault label, or `USAGE`) and
    /// the message.
    pub fn new(command: &str, kind: &'static str, message: &str) -> Self {
        StartFailure {
            command: command.to_owned(),
            kind,
            message: message.to_owned(),
            spec_digest: None,
        }
    }

    /// A JUnit XML report with one errored test case (written by the
    /// runner's JUnit writer, so the same rules hold for it).
    pub fn junit(&self) -> String {
        let mut properties = vec![
            ("implementation", self.command.as_str()),
            ("suite.version", SUITE_VERSION),
        ];
        if let Some(digest) = &self.spec_digest {
            properties.push(("spec.digest", digest.as_str()));
        }
        junit::one_error(&junit::OneError {
            suite: &format!("enmeshed-conformance: {}", self.command),
            properties: &properties,
            name: TEST_CASE,
            classname: "enmeshed-conformance",
            kind: self.kind,
            message: &self.message,
        })
    }

    /// A Markdown summary for a CI step summary.
    pub fn summary(&self) -> String {
        format!(
            "## enmeshed-conformance: ERRORED ❌\n\n\
             The implementation did not start, so no scenario ran.\n\n\
             | | |\n|---|---|\n| implementation | {} |\n| suite | enmeshed-conformance {SUITE_VERSION} |\n| spec digest | `{}` |\n| errored | {} |\n\n\
             **{}**: {}\n",
            markdown::cell(&self.command),
            self.spec_digest.as_deref().unwrap_or("-"),
            1,
            self.kind,
            markdown::inline(&excerpt_value(&self.message))
        )
    }

    /// The results file (one errored test case; a `USAGE` failure, such as
    /// a program that cannot be found, is an `ADAPTER` fault there).
    pub fn results(&self) -> crate::results::ResultsFile {
        use crate::adapter::AdapterFault;
        let fault = [
            AdapterFault::Timeout,
            AdapterFault::Crash,
            AdapterFault::Protocol,
            AdapterFault::Declined,
            AdapterFault::Unsupported,
        ]
        .into_iter()
        .find(|f| f.label() == self.kind);
        let message = match fault {
            Some(_) => self.message.clone(),
            None => format!("{}: {}", self.kind, self.message),
        };
        crate::results::not_run(
            &self.command,
            crate::verdict::FaultKind::Adapter(fault.unwrap_or(AdapterFault::Internal)),
            &message,
            self.spec_digest.as_deref().unwrap_or("-"),
        )
    }

    /// Writes the JUnit report and the summary where asked (the summary as
    /// every summary is written: appended to GitHub's step summary); returns
    /// the problems (one per file that could not be written).
    pub fn write(&self, junit: Option<&Path>, summary: Option<&Path>) -> Vec<String> {
        let mut problems = Vec::new();
        if let Some(path) = junit {
            problems.extend(
                crate::fsio::write_file(path, self.junit().as_bytes())
                    .err()
                    .map(|e| e.to_string()),
            );
        }
        if let Some(path) = summary {
            problems.extend(crate::runner::reports::write_summary(path, &self.summary()).err());
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_junit_report_has_one_errored_case_with_the_cause() {
        let mut failure = StartFailure::new(
            "node \"slow.js\"",
            "TIMEOUT",
            "during the handshake: no reply to `start` <in time>\nhint: raise --startup-timeout",
        );
        failure.spec_digest = Some("embedded:sha256:0123".to_owned());
        let xml = failure.junit();
        assert!(xml.contains("errors=\"1\""), "{xml}");
        assert!(xml.contains("<error type=\"TIMEOUT\""), "{xml}");
        assert!(xml.contains("&lt;in time&gt;"), "{xml}");
        assert!(xml.contains("raise --startup-timeout"), "{xml}");
        assert!(xml.contains("node &quot;slow.js&quot;"), "{xml}");
        assert!(xml.contains("value=\"embedded:sha256:0123\""), "{xml}");
        let summary = failure.summary();
        assert!(summary.contains("**TIMEOUT**"), "{summary}");
        assert!(summary.contains("raise --startup-timeout"), "{summary}");
    }

    #[test]
    fn control_characters_of_the_command_and_the_cause_never_reach_the_xml() {
        let failure = StartFailure::new(
            "evil\u{1b}]0;title\u{7}",
            "CRASH",
            "exited: \u{1b}[31mboom\u{0}\u{7}",
        );
        let xml = failure.junit();
        assert!(
            !xml.chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\t')),
            "{xml:?}"
        );
        assert!(xml.contains("evil\u{FFFD}]0;title\u{FFFD}"), "{xml}");
        assert!(
            xml.contains("exited: \u{FFFD}[31mboom\u{FFFD}\u{FFFD}"),
            "{xml}"
        );
    }

    #[test]
    fn the_results_file_has_one_errored_case_of_a_known_fault_kind() {
        let usage = StartFailure::new("nope", "USAGE", "the program `nope` is not on PATH");
        let results = usage.results();
        assert!(!results.passed);
        assert_eq!(results.cases.len(), 1);
        let case = &results.cases[0];
        assert_eq!(case.name, TEST_CASE);
        assert_eq!(
            case.fault.as_deref(),
            Some("ADAPTER"),
            "the schema's kinds only"
        );
        assert_eq!(
            case.message.as_deref(),
            Some("USAGE: the program `nope` is not on PATH")
        );
        let timeout = StartFailure::new("x", "TIMEOUT", "no reply").results();
        assert_eq!(timeout.cases[0].fault.as_deref(), Some("TIMEOUT"));
        let json = String::from_utf8(results.to_json().unwrap()).unwrap();
        assert_eq!(crate::results::parse(json.as_bytes()).unwrap(), results);
    }
}
