//! cucumber's console report, made to read as the suite's verdicts: a failed
//! step shows the verdict (`FAILED [rule] …`, `ERRORED KIND: …`) followed by
//! where the step is (for a scenario generated from a bullet, also the
//! page line of the bullet: `; documented at spec/use-cases/<page>.md:LINE`),
//! instead of cucumber's "Step failed: / Defined: … /
//! Step panicked. Captured output: …" (the panic is only how a step ends).

use std::io::{self, Write};

const FAILED: &str = "Step failed:";
const DEFINED: &str = "Defined: ";
const PANICKED: &str = "Step panicked. Captured output: ";
/// What a failed hook prints on a line of its own before the verdict.
const CAPTURED: &str = "Captured output:";

/// A [`Write`] that rewrites cucumber's failed-step blocks line by line and
/// passes every other line through unchanged.
pub struct Verdicts<W: Write> {
    inner: W,
    line: Vec<u8>,
    /// The location of the failed step, until its verdict has been written.
    location: Option<String>,
    /// The verdict's indentation and the location to write after its lines.
    pending: Option<(usize, String)>,
}

impl<W: Write> Verdicts<W> {
    /// Rewrites what is written to `inner`.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            line: Vec::new(),
            location: None,
            pending: None,
        }
    }

    fn close_block(&mut self) -> io::Result<()> {
        if let Some((indent, location)) = self.pending.take() {
            // A step of a generated scenario: also the bullet's page line.
            match crate::generate::Trace::built_in().bullet_at(&location) {
                Some(bullet) => writeln!(
                    self.inner,
                    "{:indent$}at {location}; {}",
                    "",
                    crate::outcome::documented_at(&bullet.location())
                )?,
                None => writeln!(self.inner, "{:indent$}at {location}", "")?,
            }
        }
        Ok(())
    }

    fn line(&mut self, line: &[u8]) -> io::Result<()> {
        let text = String::from_utf8_lossy(line);
        let plain = strip_ansi(&text);
        let content = plain.trim_start();
        let indent = plain.len() - content.len();
        if let Some((block, _)) = &self.pending
            && (indent <= *block || content.is_empty())
        {
            self.close_block()?;
        }
        if content == FAILED || content.trim_end() == CAPTURED {
            return Ok(());
        }
        if let Some(location) = content.strip_prefix(DEFINED) {
            self.location = Some(location.to_owned());
            return Ok(());
        }
        if let Some(verdict) = content.strip_prefix(PANICKED) {
            writeln!(self.inner, "{:indent$}{verdict}", "")?;
            if let Some(location) = self.location.take() {
                self.pending = Some((indent, location));
            }
            return Ok(());
        }
        if let Some(location) = self.location.take() {
            // A failure of another shape: keep cucumber's lines.
            writeln!(self.inner, "{:indent$}{FAILED}", "")?;
            writeln!(self.inner, "{:indent$}{DEFINED}{location}", "")?;
        }
        self.inner.write_all(line)?;
        self.inner.write_all(b"\n")
    }
}

/// `text` without ANSI escape sequences (`ESC [ … letter`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

impl<W: Write> Write for Verdicts<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for &b in buf {
            if b == b'\n' {
                let line = std::mem::take(&mut self.line);
                self.line(&line)?;
            } else {
                self.line.push(b);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Drop for Verdicts<W> {
    fn drop(&mut self) {
        let rest = std::mem::take(&mut self.line);
        if !rest.is_empty() {
            let _ = self.line(&rest);
        }
        let _ = self.close_block();
        let _ = self.inner.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(text: &str) -> String {
        let mut out = Vec::new();
        {
            let mut w = Verdicts::new(&mut out);
            w.write_all(text.as_bytes()).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_failed_step_reads_as_its_verdict_then_its_location() {
        let cucumber = "   ✘  Then the call fails\n      Step failed:\n      Defined: embedded:features/a.feature:25:7\n      Step panicked. Captured output: FAILED [R.x] right code, wrong message\n        expected: {\"a\":1}\n        actual:   {\"a\":2}\n  Scenario: next\n";
        assert_eq!(
            rewrite(cucumber),
            "   ✘  Then the call fails\n      FAILED [R.x] right code, wrong message\n        expected: {\"a\":1}\n        actual:   {\"a\":2}\n      at embedded:features/a.feature:25:7\n  Scenario: next\n"
        );
    }

    #[test]
    fn a_failed_step_of_a_generated_scenario_names_its_bullet() {
        let at = "embedded:features/generated/use-case-transport-initiate-identitydeletionprocess.feature:25:7";
        let bullet = crate::generate::Trace::built_in().bullet_at(at).unwrap();
        let cucumber = format!(
            "      Step failed:\n      Defined: {at}\n      Step panicked. Captured output: FAILED [R.x] wrong\n"
        );
        assert_eq!(
            rewrite(&cucumber),
            format!(
                "      FAILED [R.x] wrong\n      at {at}; documented at {}\n",
                bullet.location()
            )
        );
        assert!(bullet.location().starts_with("spec/use-cases/"));
    }

    #[test]
    fn colours_are_seen_through_and_other_lines_pass_unchanged() {
        let coloured = "\u{1b}[31m      Step failed:\u{1b}[0m\n\u{1b}[31m      Defined: f:1:1\u{1b}[0m\n\u{1b}[31m      Step panicked. Captured output: ERRORED TIMEOUT: x\u{1b}[0m\n";
        assert_eq!(
            rewrite(coloured),
            "      ERRORED TIMEOUT: x\n      at f:1:1\n"
        );
        let plain = "Feature: a\n  Scenario: b\n   ✔  Given c\nno newline";
        assert_eq!(
            rewrite(plain),
            "Feature: a\n  Scenario: b\n   ✔  Given c\nno newline\n"
        );
        let hook = "  ✘  Scenario's Before hook failed f:1:5\n     Captured output: \n     ERRORED PROTOCOL: x\n";
        assert_eq!(
            rewrite(hook),
            "  ✘  Scenario's Before hook failed f:1:5\n     ERRORED PROTOCOL: x\n"
        );
        // A failure cucumber reports otherwise keeps its lines.
        let other = "      Step failed:\n      Defined: f:1:1\n      Step skipped\n";
        assert_eq!(rewrite(other), other);
    }
}
