//! Implementation-supplied text is data: this is the one place that turns
//! it into each sink's safe form.
//!
//! - [`terminal`]: the console (escape sequences and other control
//!   characters made visible; no line can start a GitHub Actions workflow
//!   command);
//! - [`markdown`]: the `--summary` Markdown (one line, every Markdown
//!   character escaped, so a name cannot add a heading or a table row);
//! - [`xml`]: the XML of the JUnit reports (characters XML 1.0 cannot carry
//!   replaced);
//! - [`workflow`]: the data and properties of the suite's own GitHub
//!   Actions annotations (`::error title=…::…`; GitHub's escaping, no line
//!   break, bounded length).
//!
//! Sizes are bounded before text reaches a sink: every expected and actual
//! value by [`crate::protocol::excerpt`], table cells here.
//!
//! [`HOSTILE`] is the shared set of hostile strings every sink is tested with.

pub mod markdown;
pub mod terminal;
pub mod workflow;
pub mod xml;

/// Strings an implementation could send to break a sink: escape sequences
/// (CSI, OSC, a bare ESC, C1 CSI), NUL and other C0 controls, DEL, carriage
/// returns, a GitHub Actions workflow command at a line start (also after
/// blanks, and the legacy `##[` form), Markdown headings, table pipes, HTML,
/// XML markup, and bidirectional overrides.
pub const HOSTILE: &[&str] = &[
    "\u{1b}[31mred\u{1b}[0m",
    "\u{1b}]0;title\u{7}",
    "\u{1b}]8;;https://evil.example\u{1b}\\link\u{1b}]8;;\u{1b}\\",
    "nul\u{0}byte",
    "bell\u{7} backspace\u{8} vt\u{b} ff\u{c} del\u{7f}",
    "c1 csi\u{9b}2J",
    "cr\roverwritten",
    "::error::injected",
    "  ::warning file=x::indented",
    "line\n::add-mask::secret",
    "##[error]legacy",
    "name\n## enmeshed-conformance: passed ✅\n| passed | 999 |",
    "| a | b |",
    "<script>alert(1)</script> & </testcase>",
    "]]><!-- -->",
    "\u{202e}reversed\u{2066}",
];

/// Whether `c` is shown escaped in every sink: C0 controls (except tab and
/// newline, which each sink handles itself), DEL, C1 controls, and the
/// bidirectional overrides and isolates.
pub fn is_hidden_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `c` written visibly: `\x1b` for ASCII and C1 controls, `\u{202e}` otherwise.
pub fn visible(c: char) -> String {
    let code = u32::from(c);
    if code <= 0xff {
        format!("\\x{code:02x}")
    } else {
        format!("\\u{{{code:x}}}")
    }
}
