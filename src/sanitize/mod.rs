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
//!   break, bounded length);
//! - [`html`]: the HTML report (markup escaped, invisible and bidirectional
//!   controls written visibly, as on the console).
//!
//! Sizes are bounded before text reaches a sink: every expected and actual
//! value by [`crate::protocol::excerpt`], table cells here.
//!
//! [`HOSTILE`] is the shared set of hostile strings every sink is tested with.

pub mod html;
pub mod markdown;
pub mod terminal;
pub mod workflow;
pub mod xml;

/// Strings an implementation could send to break a sink: escape sequences
/// (CSI, OSC, a bare ESC, C1 CSI), NUL and other C0 controls, DEL, carriage
/// returns, a GitHub Actions workflow command at a line start (also after
/// blanks, and the legacy `##[` form), Markdown headings, table pipes, HTML,
/// XML markup, bidirectional overrides, embeddings, isolates and marks
/// (one of them turned a report's heading into "… PASSED Verdict:"), and
/// invisible format characters (zero-width spaces and joiners, the BOM,
/// the soft hyphen, tag characters).
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
    "\u{202e}:tcidreV DESSAP\u{202c}",
    "embed\u{202a}ltr\u{202b}rtl\u{202c}pop \u{2067}rli\u{2068}fsi\u{2069}pdi",
    "marks\u{200e}lrm\u{200f}rlm\u{61c}alm",
    "zero\u{200b}width\u{200c}non\u{200d}joiner\u{2060}wj\u{feff}bom\u{ad}shy",
    "tag\u{e0001}\u{e0041}chars\u{e007f} invisible\u{2062}times",
];

/// Whether `c` is shown escaped in every sink: C0 controls (except tab and
/// newline, which each sink handles itself), DEL, C1 controls (category
/// Cc), and every format character (category Cf: the bidirectional
/// embeddings, overrides, isolates and marks, zero-width spaces and joiners,
/// the BOM, the soft hyphen, tag characters, …).
pub fn is_hidden_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_format(c)
}

/// Whether `c` is a format character: Unicode's general category Cf
/// (Unicode 15.1; invisible, and some reorder the text around them).
pub fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
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
