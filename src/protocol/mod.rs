//! The versioned JSON-lines protocol between the suite and an implementation
//! running as a child process (PROTOCOL.md, `protocol/protocol.schema.json`).
//!
//! One JSON object per line in each direction. Requests carry a `seq`; each
//! reply names the `seq` it answers and is exactly one of `result`, `error`
//! (a domain error) or `errored` (the request could not be done at all).

mod reply;
mod request;
pub mod words;

pub use reply::{Reply, ReplyBody, parse_reply};
pub use request::Request;

/// The protocol version this suite speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// The longest line accepted in either direction, in bytes.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;
