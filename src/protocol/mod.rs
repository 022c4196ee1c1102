//! The versioned JSON-lines protocol between the suite and an implementation
//! running as a child process (PROTOCOL.md, `protocol/protocol.schema.json`).
//!
//! One JSON object per line in each direction. Requests carry a `seq`; each
//! reply names the `seq` it answers and is exactly one of `result`, `error`
//! (a domain error) or `errored` (the request could not be done at all).

pub mod docs;
mod excerpt;
mod reply;
mod request;
pub mod words;

pub use excerpt::{
    EXCERPT_BYTES, VALUE_BYTES, excerpt, excerpt_bytes, excerpt_ends, excerpt_json, excerpt_value,
    excerpt_verdict,
};
pub use reply::{Reply, ReplyBody, parse_reply, whole_number};
pub use request::Request;

/// The protocol version this suite speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// The longest line accepted in either direction, in bytes.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON Schema in the repository names the same request kinds and version.
    #[test]
    fn the_schema_matches_the_code() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../protocol/protocol.schema.json"))
                .expect("the schema is JSON");
        let kinds: Vec<&str> = schema["$defs"]["Request"]["properties"]["kind"]["enum"]
            .as_array()
            .expect("kinds")
            .iter()
            .filter_map(serde_json::Value::as_str)
            .collect();
        let requests = [
            Request::Start {
                protocol_version: PROTOCOL_VERSION,
            },
            Request::NewIdentity,
            Request::Initiate {
                identity: String::new(),
                length_of_grace_period_in_days: None,
                device: None,
            },
            Request::Cancel {
                identity: String::new(),
                device: None,
            },
            Request::Get {
                identity: String::new(),
                id: String::new(),
            },
            Request::GetActive {
                identity: String::new(),
            },
            Request::GetAll {
                identity: String::new(),
            },
            Request::AdvanceClock {
                identity: String::new(),
                milliseconds: 0,
            },
            Request::SetClock {
                identity: String::new(),
                instant: String::new(),
            },
            Request::NewDevice {
                identity: String::new(),
            },
            Request::TakeEvents {
                identity: String::new(),
            },
            Request::Stop,
        ];
        let ours: Vec<&str> = requests.iter().map(Request::kind).collect();
        assert_eq!(kinds, ours);
        assert!(!kinds.contains(&Request::UnknownKindProbe.kind()));
        let version = &schema["$defs"]["Request"]["allOf"][0]["then"]["properties"]["protocolVersion"]
            ["const"];
        assert_eq!(version.as_u64(), Some(u64::from(PROTOCOL_VERSION)));
    }
}
