//! Requests from the suite to the implementation.

use serde::Serialize;

/// A request; serialized with its `kind` and, by [`Request::line`], its `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Request {
    /// The handshake.
    #[serde(rename_all = "camelCase")]
    Start {
        /// The version the suite speaks.
        protocol_version: u32,
    },
    /// Create a fresh Identity.
    NewIdentity,
    /// RID1.
    #[serde(rename_all = "camelCase")]
    Initiate {
        /// The Identity.
        identity: String,
        /// The grace period; absent for the default.
        #[serde(skip_serializing_if = "Option::is_none")]
        length_of_grace_period_in_days: Option<u32>,
        /// The Device that acts (`devices` capability); absent for the first one.
        #[serde(skip_serializing_if = "Option::is_none")]
        device: Option<String>,
    },
    /// RID2.
    Cancel {
        /// The Identity.
        identity: String,
        /// The Device that acts (`devices` capability); absent for the first one.
        #[serde(skip_serializing_if = "Option::is_none")]
        device: Option<String>,
    },
    /// RID3.
    Get {
        /// The Identity.
        identity: String,
        /// The process id, as given.
        id: String,
    },
    /// RID4.
    GetActive {
        /// The Identity.
        identity: String,
    },
    /// RID5.
    GetAll {
        /// The Identity.
        identity: String,
    },
    /// Clock capability: stop the Identity's clock and move it forward.
    AdvanceClock {
        /// The Identity.
        identity: String,
        /// How far.
        milliseconds: u64,
    },
    /// Clock capability: stop the Identity's clock at an absolute UTC instant.
    SetClock {
        /// The Identity.
        identity: String,
        /// The instant, RFC 3339 in UTC with `Z`.
        instant: String,
    },
    /// Devices capability: add a Device to the Identity.
    NewDevice {
        /// The Identity.
        identity: String,
    },
    /// Events capability: the status-changed events since the last call.
    TakeEvents {
        /// The Identity.
        identity: String,
    },
    /// Finish: reply, then exit.
    Stop,
    /// A kind no implementation knows, sent by `smoke` to check that unknown
    /// kinds get the defined reply (`errored`).
    #[serde(rename = "x-unknown-kind-probe")]
    UnknownKindProbe,
}

impl Request {
    /// The `kind` as written on the wire.
    pub fn kind(&self) -> &'static str {
        match self {
            Request::Start { .. } => "start",
            Request::NewIdentity => "newIdentity",
            Request::Initiate { .. } => "initiate",
            Request::Cancel { .. } => "cancel",
            Request::Get { .. } => "get",
            Request::GetActive { .. } => "getActive",
            Request::GetAll { .. } => "getAll",
            Request::AdvanceClock { .. } => "advanceClock",
            Request::SetClock { .. } => "setClock",
            Request::NewDevice { .. } => "newDevice",
            Request::TakeEvents { .. } => "takeEvents",
            Request::Stop => "stop",
            Request::UnknownKindProbe => "x-unknown-kind-probe",
        }
    }

    /// The request as one line (without the newline), with `seq` first.
    pub fn line(&self, seq: u64) -> String {
        // A tagged enum always serializes to an object starting with `{"kind":`.
        let body = serde_json::to_string(self)
            .unwrap_or_else(|_| format!("{{\"kind\":\"{}\"}}", self.kind()));
        format!(
            "{{\"seq\":{seq},{}",
            body.strip_prefix('{').unwrap_or(&body)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_carry_seq_kind_and_camel_case_fields() {
        let line = Request::Initiate {
            identity: "i1".into(),
            length_of_grace_period_in_days: Some(3),
            device: None,
        }
        .line(7);
        assert_eq!(
            line,
            r#"{"seq":7,"kind":"initiate","identity":"i1","lengthOfGracePeriodInDays":3}"#
        );
        let line = Request::Initiate {
            identity: "i1".into(),
            length_of_grace_period_in_days: None,
            device: None,
        }
        .line(8);
        assert_eq!(line, r#"{"seq":8,"kind":"initiate","identity":"i1"}"#);
        let line = Request::Cancel {
            identity: "i1".into(),
            device: Some("DVC2".into()),
        }
        .line(9);
        assert_eq!(
            line,
            r#"{"seq":9,"kind":"cancel","identity":"i1","device":"DVC2"}"#
        );
        let line = Request::SetClock {
            identity: "i1".into(),
            instant: "2026-03-29T00:59:59.999Z".into(),
        }
        .line(10);
        assert_eq!(
            line,
            r#"{"seq":10,"kind":"setClock","identity":"i1","instant":"2026-03-29T00:59:59.999Z"}"#
        );
        assert_eq!(
            Request::Start {
                protocol_version: 1
            }
            .line(1),
            r#"{"seq":1,"kind":"start","protocolVersion":1}"#
        );
        assert_eq!(Request::Stop.line(2), r#"{"seq":2,"kind":"stop"}"#);
    }
}
