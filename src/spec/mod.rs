//! Reading use-case pages: front matter, YAML properties and the Markdown body.
//!
//! The entry point is [`parse_page`]; it turns the bytes of one page into a
//! [`UseCase`] or a [`SpecError`] that names the file and the line.

mod body;
mod error;
mod front_matter;
mod liquid;
mod use_case;
mod yaml_value;

pub use body::{Body, Bullet, Section, SectionKind};
pub use error::SpecError;
pub use use_case::{PROPERTY_KEYS, UseCase};

use std::path::Path;

/// The largest page the parser accepts, in bytes.
pub const MAX_PAGE_BYTES: usize = 1024 * 1024;

/// Parses one use-case page.
///
/// `path` is used for error messages and recorded in the result; `bytes` is the
/// whole file. Never panics: every defect is reported as a located [`SpecError`].
pub fn parse_page(path: &Path, bytes: &[u8]) -> Result<UseCase, SpecError> {
    if bytes.len() > MAX_PAGE_BYTES {
        return Err(SpecError::new(
            path,
            1,
            None,
            format!(
                "file is {} bytes, larger than the limit of {MAX_PAGE_BYTES} bytes",
                bytes.len()
            ),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
        let column = 1 + valid.iter().rev().take_while(|&&b| b != b'\n').count();
        SpecError::new(
            path,
            line,
            Some(column),
            format!("invalid UTF-8 at byte offset {}", e.valid_up_to()),
        )
    })?;
    let split = front_matter::split(path, text)?;
    let top = yaml_value::parse_mapping(path, split.yaml, split.yaml_first_line)?;
    let mut use_case = UseCase::from_yaml(path, top, split.yaml_first_line)?;
    use_case.body = body::parse(
        split.body,
        split.body_first_line,
        use_case.property("description"),
    );
    use_case.check_executable()?;
    Ok(use_case)
}

/// Reads and parses one page from disk.
pub fn read_page(path: &Path) -> Result<UseCase, SpecError> {
    let bytes = read_limited(path)?;
    parse_page(path, &bytes)
}

/// Reads a page through the shared bounded reader ([`crate::fsio::read_bounded`]):
/// a regular file of at most [`MAX_PAGE_BYTES`], opened without blocking.
fn read_limited(path: &Path) -> Result<Vec<u8>, SpecError> {
    let limit = crate::fsio::Limit {
        max_bytes: MAX_PAGE_BYTES as u64,
        what: "a use-case page",
    };
    crate::fsio::read_bounded(path, limit).map_err(|e| {
        let message = match e {
            crate::fsio::ReadError::TooLarge { size, limit, .. } => {
                format!("file is {size}, larger than the limit of {limit} bytes")
            }
            other => other.to_string(),
        };
        SpecError::new(path, 1, None, message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_page_is_reported_with_its_real_size() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("big.md");
        std::fs::write(&page, vec![b'a'; 5_000_000]).unwrap();
        let e = read_page(&page).unwrap_err().to_string();
        assert!(
            e.ends_with("file is 5000000 bytes, larger than the limit of 1048576 bytes"),
            "{e}"
        );
    }
}
