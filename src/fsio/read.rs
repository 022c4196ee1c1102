//! The bounded reader: every input file of the suite (feature files,
//! expectations files, use-case pages, fuzz regression files, the results
//! files of `report`) is read
//! through [`read_bounded`], with the same limits.
//!
//! The file is opened without blocking (`O_NONBLOCK`: a FIFO with no writer
//! cannot hang the suite, and a FIFO that replaced a checked file since it
//! was listed is refused as well), checked on the open descriptor to be a
//! regular file (no FIFO, device, socket or directory: `/dev/zero` has no
//! end), and read up to its size cap only (a file that grows while it is read
//! cannot make the suite read more).

use std::io::Read as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::Path;

/// Why an input file was not read. Every message names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The file does not exist.
    #[error("{path}: cannot read: no such file")]
    Missing {
        /// The file, as named.
        path: String,
    },
    /// The file is not a regular file.
    #[error(
        "{path} is not a regular file (a FIFO, device, socket or directory); {what} must be a regular file"
    )]
    NotRegular {
        /// The file, as named.
        path: String,
        /// What the file is for (`a feature file`, `an expectations file`).
        what: &'static str,
    },
    /// The file is larger than its cap.
    #[error("{path} is {size}, larger than the limit of {limit} bytes for {what}")]
    TooLarge {
        /// The file, as named.
        path: String,
        /// Its size in words (`12345 bytes`, or `more than N bytes`).
        size: String,
        /// The cap.
        limit: u64,
        /// What the file is for.
        what: &'static str,
    },
    /// The file is not UTF-8.
    #[error("{path} is not UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 {
        /// The file, as named.
        path: String,
        /// Where the first invalid byte is.
        offset: usize,
    },
    /// Any other I/O error.
    #[error("{path}: cannot read: {message}")]
    Io {
        /// The file, as named.
        path: String,
        /// The system's words.
        message: String,
    },
}

impl ReadError {
    /// Whether the file does not exist.
    pub fn is_missing(&self) -> bool {
        matches!(self, ReadError::Missing { .. })
    }
}

/// The size cap of every input file (feature files, expectations files,
/// fuzz regression files): 64 MiB.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// The limits of an expectations file: those of a feature file.
pub const EXPECTATIONS_LIMIT: Limit = Limit {
    max_bytes: MAX_INPUT_BYTES,
    what: "an expectations file",
};

/// The limits of one kind of input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The largest accepted size, in bytes.
    pub max_bytes: u64,
    /// What the file is, for messages (`a feature file`).
    pub what: &'static str,
}

/// Checks that `metadata` is a regular file within `limit`.
pub fn check(path: &Path, metadata: &std::fs::Metadata, limit: Limit) -> Result<(), ReadError> {
    if !metadata.is_file() {
        return Err(ReadError::NotRegular {
            path: path.display().to_string(),
            what: limit.what,
        });
    }
    if metadata.len() > limit.max_bytes {
        return Err(ReadError::TooLarge {
            path: path.display().to_string(),
            size: format!("{} bytes", metadata.len()),
            limit: limit.max_bytes,
            what: limit.what,
        });
    }
    Ok(())
}

/// Reads `path` within `limit` (see the module documentation).
pub fn read_bounded(path: &Path, limit: Limit) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::Missing {
            path: path.display().to_string(),
        },
        _ => ReadError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        },
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(io)?;
    let metadata = file.metadata().map_err(io)?;
    check(path, &metadata, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit.max_bytes {
        return Err(ReadError::TooLarge {
            path: path.display().to_string(),
            size: format!("more than {} bytes", limit.max_bytes),
            limit: limit.max_bytes,
            what: limit.what,
        });
    }
    Ok(bytes)
}

/// [`read_bounded`], as UTF-8 text.
pub fn read_text(path: &Path, limit: Limit) -> Result<String, ReadError> {
    let bytes = read_bounded(path, limit)?;
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        path: path.display().to_string(),
        offset: e.utf8_error().valid_up_to(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Limit = Limit {
        max_bytes: 10,
        what: "a test file",
    };

    #[test]
    fn reads_regular_files_within_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a");
        std::fs::write(&file, "0123456789").unwrap();
        assert_eq!(read_text(&file, SMALL).unwrap(), "0123456789");
        std::fs::write(&file, "0123456789x").unwrap();
        let error = read_text(&file, SMALL).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("is 11 bytes, larger than the limit of 10 bytes for a test file"),
            "{error}"
        );
        std::fs::write(&file, [0xff, b'a']).unwrap();
        assert!(matches!(
            read_text(&file, SMALL),
            Err(ReadError::NotUtf8 { offset: 0, .. })
        ));
        assert!(
            read_text(&dir.path().join("none"), SMALL)
                .unwrap_err()
                .is_missing()
        );
    }

    #[test]
    fn refuses_fifos_devices_and_directories_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        for path in [fifo.as_path(), Path::new("/dev/zero"), dir.path()] {
            let error = read_bounded(path, SMALL).unwrap_err();
            assert!(
                matches!(error, ReadError::NotRegular { .. }),
                "{}: {error}",
                path.display()
            );
        }
    }
}
