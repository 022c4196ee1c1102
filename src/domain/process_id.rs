//! The id of an IdentityDeletionProcess: `IDP` followed by 17 of `[A-Za-z0-9]`.
//!
//! Sources: `docs/domain.md#the-identitydeletionprocess`.

use std::fmt;

/// Every process id starts with this.
pub const PROCESS_ID_PREFIX: &str = "IDP";
/// How many `[A-Za-z0-9]` characters follow the prefix.
pub const PROCESS_ID_SUFFIX_LEN: usize = 17;

/// A well-formed process id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProcessId(String);

/// Why a text is not a process id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{text}` is not an IdentityDeletionProcess id: expected `{PROCESS_ID_PREFIX}` followed by {PROCESS_ID_SUFFIX_LEN} letters or digits"
)]
pub struct ProcessIdError {
    /// The rejected text.
    pub text: String,
}

impl ProcessId {
    /// Validates `text`.
    pub fn parse(text: &str) -> Result<ProcessId, ProcessIdError> {
        let valid = text.strip_prefix(PROCESS_ID_PREFIX).is_some_and(|rest| {
            rest.len() == PROCESS_ID_SUFFIX_LEN && rest.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        if valid {
            Ok(ProcessId(text.to_owned()))
        } else {
            Err(ProcessIdError {
                text: text.to_owned(),
            })
        }
    }

    /// A well-formed id built from `seed` (any number): deterministic for a seed,
    /// different for different seeds.
    pub fn from_seed(seed: u64) -> ProcessId {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        // splitmix64 spreads consecutive seeds over the whole alphabet.
        let mut state = seed;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let mut id = String::from(PROCESS_ID_PREFIX);
        for _ in 0..PROCESS_ID_SUFFIX_LEN {
            let index = (next() % ALPHABET.len() as u64) as usize;
            id.push(char::from(ALPHABET[index]));
        }
        ProcessId(id)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProcessId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_the_documented_shape() {
        assert!(ProcessId::parse("IDPabcdefghijABCDEFG").is_ok());
        assert!(ProcessId::parse("IDPabcdefghijABCDEF").is_err());
        assert!(ProcessId::parse("IDPabcdefghijABCDEFGH").is_err());
        assert!(ProcessId::parse("IDXabcdefghijABCDEFG").is_err());
        assert!(ProcessId::parse("IDPabcdefghij-BCDEFG").is_err());
        assert!(ProcessId::parse("IDPabcdefghijABCDEFé").is_err());
    }

    #[test]
    fn seeded_ids_are_well_formed_and_distinct() {
        let a = ProcessId::from_seed(1);
        let b = ProcessId::from_seed(2);
        assert_ne!(a, b);
        assert!(ProcessId::parse(a.as_str()).is_ok());
        assert_eq!(a, ProcessId::from_seed(1));
    }
}
