//! The one digest of the project: SHA-256 (from `sha2`), written as
//! `sha256:` + 64 lowercase hex digits. The use-case pages of
//! `spec/SOURCE.toml` and the spec digest of the reports use it alike.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// The prefix of every digest this project writes.
pub const PREFIX: &str = "sha256:";

/// Lowercase hex of the SHA-256 of `bytes` (64 characters).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// `sha256:` + [`sha256_hex`] of `bytes`.
pub fn tagged(bytes: &[u8]) -> String {
    format!("{PREFIX}{}", sha256_hex(bytes))
}

/// `sha256:` + hex of the SHA-256 over each file's name and content, in the
/// given order, each followed by a NUL byte: renaming, reordering or editing
/// a file changes it.
pub fn of_files<'a>(files: impl IntoIterator<Item = (&'a [u8], &'a [u8])>) -> String {
    let mut hasher = Sha256::new();
    for (name, content) in files {
        hasher.update(name);
        hasher.update([0]);
        hasher.update(content);
        hasher.update([0]);
    }
    format!("{PREFIX}{}", hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        // FIPS 180-4 examples.
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            tagged(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    #[test]
    fn the_files_digest_covers_names_contents_and_order() {
        let a = of_files([(&b"a.feature"[..], &b"x"[..]), (b"b.feature", b"y")]);
        assert_eq!(a, tagged(b"a.feature\0x\0b.feature\0y\0"));
        let renamed = of_files([(&b"c.feature"[..], &b"x"[..]), (b"b.feature", b"y")]);
        let reordered = of_files([(&b"b.feature"[..], &b"y"[..]), (b"a.feature", b"x")]);
        // The separator keeps a name from running into its content.
        let shifted = of_files([(&b"a.featurex"[..], &b""[..]), (b"b.feature", b"y")]);
        for other in [renamed, reordered, shifted] {
            assert_ne!(a, other);
        }
        assert_eq!(a.len(), PREFIX.len() + 64);
    }
}
