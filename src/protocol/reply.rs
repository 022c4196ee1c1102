//! Replies from the implementation, checked for shape.

use super::excerpt::excerpt;
use crate::domain::DomainError;
use serde_json::Value;

/// What a reply says.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplyBody {
    /// `result`: the answer (shape depends on the request).
    Result(Value),
    /// `error`: a domain error.
    Error(DomainError),
    /// `errored`: the implementation could not do the request.
    Errored(String),
}

/// A reply line, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The request it answers.
    pub seq: u64,
    /// Its content.
    pub body: ReplyBody,
}

/// An integer as JSON Schema's `integer` admits it: a JSON number whose
/// value is whole, however it is written (`2`, `2.0`, `2e0`), from 0 to
/// 2^53 (the integers every JSON library represents exactly). `seq` and
/// `protocolVersion` are read with it, so the suite accepts what
/// `protocol/protocol.schema.json` accepts.
pub fn whole_number(value: &Value) -> Option<u64> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    value.as_u64().or_else(|| {
        let f = value.as_f64()?;
        // In range and whole, so the cast below is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        ((0.0..=EXACT).contains(&f) && f.fract() == 0.0).then_some(f as u64)
    })
}

/// Parses one reply line; `Err` says why it is not a valid reply.
pub fn parse_reply(line: &str) -> Result<Reply, String> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| format!("not JSON ({e}): {}", excerpt(line)))?;
    let Value::Object(object) = value else {
        return Err(format!("not a JSON object: {}", excerpt(line)));
    };
    let seq = match object.get("seq") {
        Some(seq) => whole_number(seq).ok_or_else(|| {
            format!(
                "`seq` must be a whole number of at least 0, not {}: {}",
                excerpt(&seq.to_string()),
                excerpt(line)
            )
        })?,
        None => return Err(format!("no `seq`: {}", excerpt(line))),
    };
    let present: Vec<&str> = ["result", "error", "errored"]
        .into_iter()
        .filter(|k| object.contains_key(*k))
        .collect();
    let body = match present.as_slice() {
        ["result"] => ReplyBody::Result(object["result"].clone()),
        ["error"] => {
            let error: DomainError =
                serde_json::from_value(object["error"].clone()).map_err(|e| {
                    format!("`error` is not {{code, message}} ({e}): {}", excerpt(line))
                })?;
            ReplyBody::Error(error)
        }
        ["errored"] => {
            let message = object["errored"]
                .get("message")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("`errored` has no `message`: {}", excerpt(line)))?;
            ReplyBody::Errored(message.to_owned())
        }
        [] => {
            return Err(format!(
                "reply to seq {seq} has none of `result`, `error`, `errored`: {}",
                excerpt(line)
            ));
        }
        _ => {
            return Err(format!(
                "reply to seq {seq} has more than one of `result`, `error`, `errored`: {}",
                excerpt(line)
            ));
        }
    };
    Ok(Reply { seq, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_replies() {
        assert_eq!(
            parse_reply(r#"{"seq":1,"result":{"a":1},"extra":true}"#)
                .unwrap()
                .body,
            ReplyBody::Result(serde_json::json!({"a":1}))
        );
        let r = parse_reply(r#"{"seq":2,"error":{"code":"c","message":"m"}}"#).unwrap();
        assert_eq!(
            r.body,
            ReplyBody::Error(DomainError {
                code: "c".into(),
                message: "m".into()
            })
        );
        assert_eq!(
            parse_reply(r#"{"seq":3,"errored":{"message":"no"}}"#)
                .unwrap()
                .body,
            ReplyBody::Errored("no".into())
        );
    }

    #[test]
    fn malformed_replies() {
        for line in [
            "garbage",
            "[1]",
            r#"{"result":1}"#,
            r#"{"seq":1}"#,
            r#"{"seq":1,"result":1,"errored":{"message":"x"}}"#,
            r#"{"seq":1,"error":{"code":1}}"#,
            r#"{"seq":1,"errored":{}}"#,
        ] {
            assert!(parse_reply(line).is_err(), "{line}");
        }
    }

    #[test]
    fn a_seq_is_an_integer_as_the_schema_says_however_it_is_written() {
        // JSON Schema's `integer` admits 2.0 and 2e0: so does the suite.
        for line in [
            r#"{"seq":2,"result":1}"#,
            r#"{"seq":2.0,"result":1}"#,
            r#"{"seq":2e0,"result":1}"#,
            r#"{"seq":0.2e1,"result":1}"#,
        ] {
            assert_eq!(parse_reply(line).map(|r| r.seq), Ok(2), "{line}");
        }
    }

    #[test]
    fn a_seq_that_is_not_a_whole_number_is_named_as_such() {
        let e = parse_reply(r#"{"seq":2.5,"result":1}"#).unwrap_err();
        assert!(
            e.starts_with("`seq` must be a whole number of at least 0, not 2.5:"),
            "{e}"
        );
        for line in [r#"{"seq":-1,"result":1}"#, r#"{"seq":1e300,"result":1}"#] {
            assert!(parse_reply(line).is_err(), "{line}");
        }
        let e = parse_reply(r#"{"seq":"2","result":1}"#).unwrap_err();
        assert!(e.contains(r#"not "2":"#), "{e}");
        let e = parse_reply(r#"{"result":1}"#).unwrap_err();
        assert!(e.starts_with("no `seq`:"), "{e}");
    }
}
