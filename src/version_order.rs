//! The order of version strings: numbers compared as numbers (`6.28.0` <
//! `6.30.0` < `6.60.5` < `7.0.0`, `1.10` after `1.9`), a pre-release
//! (`7.0.0-beta.1`) before its release, build metadata (`+…`) ignored.
//! One order for every place that sorts versions: the columns of `cargo xtask
//! matrix` and the rule history of the HTML matrix (`report_html`).

use std::cmp::Ordering;

/// Compares two version strings (see the module's documentation). Any
/// string is accepted: what is not a number is compared as text, so the
/// order is total and the same every time.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (a_release, a_pre) = split(a);
    let (b_release, b_pre) = split(b);
    natural(a_release, b_release)
        .then_with(|| match (a_pre, b_pre) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(a), Some(b)) => natural(a, b),
        })
        // Equal versions in different spellings (`1.02`, `1.2+x`): still one order.
        .then_with(|| a.cmp(b))
}

/// The release and the pre-release of `version`, without build metadata.
fn split(version: &str) -> (&str, Option<&str>) {
    let version = version.split_once('+').map_or(version, |(v, _)| v);
    match version.split_once('-') {
        Some((release, pre)) => (release, Some(pre)),
        None => (version, None),
    }
}

/// Runs of digits compared as numbers (of any length), the rest as text.
fn natural(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        match (a.is_empty(), b.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        let (a_part, a_rest) = part(a);
        let (b_part, b_rest) = part(b);
        let a_digits = a_part.starts_with(|c: char| c.is_ascii_digit());
        let b_digits = b_part.starts_with(|c: char| c.is_ascii_digit());
        let order = match (a_digits, b_digits) {
            (true, true) => {
                let (a_n, b_n) = (
                    a_part.trim_start_matches('0'),
                    b_part.trim_start_matches('0'),
                );
                a_n.len().cmp(&b_n.len()).then_with(|| a_n.cmp(b_n))
            }
            // A number before text (`1.0.1` before `1.0.x`).
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => a_part.cmp(b_part),
        };
        if order != Ordering::Equal {
            return order;
        }
        (a, b) = (a_rest, b_rest);
    }
}

/// The leading run of digits, or of anything else, of a non-empty `text`.
fn part(text: &str) -> (&str, &str) {
    let digits = text.starts_with(|c: char| c.is_ascii_digit());
    let end = text
        .find(|c: char| c.is_ascii_digit() != digits)
        .unwrap_or(text.len());
    text.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::compare;
    use std::cmp::Ordering;

    #[test]
    fn versions_sort_by_their_numbers() {
        let mut versions = vec![
            "7.0.0",
            "6.60.5",
            "6.30.0",
            "5.3.0",
            "6.28.0",
            "6.34.2",
            "7.0.0-beta.2",
            "7.0.0-beta.10",
            "10.0.0",
            "6.9.0",
        ];
        versions.sort_by(|a, b| compare(a, b));
        assert_eq!(
            versions,
            [
                "5.3.0",
                "6.9.0",
                "6.28.0",
                "6.30.0",
                "6.34.2",
                "6.60.5",
                "7.0.0-beta.2",
                "7.0.0-beta.10",
                "7.0.0",
                "10.0.0"
            ]
        );
        assert_eq!(compare("1.0", "1.0.0"), Ordering::Less);
        assert_eq!(compare("1.0.1", "1.0.x"), Ordering::Less);
        assert_eq!(compare("-", "-"), Ordering::Equal);
        assert_ne!(compare("1.02", "1.2"), Ordering::Equal);
        assert_eq!(
            compare("99999999999999999999999", "100000000000000000000000"),
            Ordering::Less
        );
    }
}
