//! The reports of a run whose implementation never started (a bad
//! `--adapter-cmd`, a crash or a timeout in the handshake): one errored test
//! case saying so, so that CI shows the cause where it looks for results.

use super::adapter::StartError;
use enmeshed_conformance::protocol::excerpt_value;
use enmeshed_conformance::runner::{SUITE_VERSION, junit};
use enmeshed_conformance::sanitize::markdown;
use std::path::Path;

/// The name of the one test case.
pub const TEST_CASE: &str = "the implementation starts and answers the handshake";

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
    /// The failure for `error` of `command`; `hint` is appended to the message.
    pub fn new(command: &str, error: &StartError, hint: &str) -> Self {
        let (kind, cause) = match error {
            StartError::Usage(message) => ("USAGE", message.clone()),
            StartError::Failed(e) => (e.fault.label(), e.message.clone()),
        };
        StartFailure {
            command: command.to_owned(),
            kind,
            message: format!("{cause}{hint}"),
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

    /// Writes the JUnit report and the summary where asked; returns the
    /// problems (one per file that could not be written).
    pub fn write(&self, junit: Option<&Path>, summary: Option<&Path>) -> Vec<String> {
        [(junit, self.junit()), (summary, self.summary())]
            .into_iter()
            .filter_map(|(path, text)| {
                let path = path?;
                enmeshed_conformance::fsio::write_file(path, text.as_bytes())
                    .err()
                    .map(|e| e.to_string())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use enmeshed_conformance::adapter::{AdapterError, AdapterFault};

    #[test]
    fn the_junit_report_has_one_errored_case_with_the_cause() {
        let error = StartError::Failed(AdapterError::new(
            AdapterFault::Timeout,
            "during the handshake: no reply to `start` <in time>",
        ));
        let mut failure = StartFailure::new(
            "node \"slow.js\"",
            &error,
            "\nhint: raise --startup-timeout",
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
        let error = StartError::Failed(AdapterError::new(
            AdapterFault::Crash,
            "exited: \u{1b}[31mboom\u{0}\u{7}",
        ));
        let failure = StartFailure::new("evil\u{1b}]0;title\u{7}", &error, "");
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
}
