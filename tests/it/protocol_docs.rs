//! PROTOCOL.md and the JSON Schema agree with the domain module: the
//! generated tables are in the document, and the schema's timestamp and id
//! patterns accept exactly what the suite accepts.

use enmeshed_conformance::domain::{
    Field, IdentityDeletionProcess, ProcessId, TIMESTAMP_RULE, parse_utc_timestamp,
};
use enmeshed_conformance::protocol::docs;
use regex::Regex;
use serde_json::Value;
use std::path::Path;

fn schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("protocol/protocol.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The schema of DTO field `name`, following one `$ref`.
fn field_schema<'a>(schema: &'a Value, name: &str) -> &'a Value {
    let property = &schema["$defs"]["IdentityDeletionProcess"]["properties"][name];
    match property["$ref"].as_str() {
        Some(reference) => {
            let key = reference.trim_start_matches("#/$defs/");
            &schema["$defs"][key]
        }
        None => property,
    }
}

fn pattern(schema: &Value) -> Regex {
    Regex::new(schema["pattern"].as_str().expect("a pattern")).unwrap()
}

#[test]
fn protocol_md_holds_the_generated_tables() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("PROTOCOL.md")).unwrap();
    assert!(text.contains(&docs::tables()), "run `cargo xtask gen`");
}

#[test]
fn the_schema_timestamps_follow_the_timestamp_rule() {
    let schema = schema();
    let samples = [
        "2026-01-02T03:04:05.678Z",
        "2026-01-02T03:04:05Z",
        "2026-01-02T03:04:05.123456Z",
        "2026-01-02T03:04:05.1234567Z",
        "2026-01-02T03:04:05.123456789Z",
        "2026-01-02T03:04:05.1234567891Z",
        "2026-01-02T03:04:05.678+00:00",
        "2026-01-02T04:04:05.678+01:00",
        "2026-01-02T03:04:05.678",
        "2026-01-02",
        "2026-01-02T03:04:05.678z",
        "2026-01-02 03:04:05.678Z",
        "2026-01-02t03:04:05.678Z",
        "2026-01-02T03:04:05.Z",
        "2026-01-02T03:04Z",
        "yesterday",
        "",
    ];
    let example = TIMESTAMP_RULE
        .split('`')
        .find(|part| part.starts_with("20"))
        .expect("the rule has an example");
    let timestamp_fields: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| f.is_timestamp())
        .collect();
    assert_eq!(timestamp_fields.len(), 3);
    for field in timestamp_fields {
        let definition = field_schema(&schema, field.name());
        let regex = pattern(definition);
        assert!(
            regex.as_str().ends_with("Z$"),
            "{}: the pattern must end in Z",
            field.name()
        );
        assert!(regex.is_match(example), "{example}");
        for sample in samples {
            assert_eq!(
                regex.is_match(sample),
                parse_utc_timestamp(sample).is_ok(),
                "{}: schema and suite disagree on {sample:?}",
                field.name()
            );
        }
    }
}

#[test]
fn the_schema_grace_period_range_is_the_suites() {
    let schema = schema();
    let initiate = schema["$defs"]["Request"]["allOf"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|rule| rule["then"]["properties"].get("lengthOfGracePeriodInDays"))
        .expect("initiate's lengthOfGracePeriodInDays");
    assert_eq!(initiate["type"], "integer");
    assert_eq!(initiate["minimum"], 0);
    assert_eq!(
        initiate["maximum"],
        enmeshed_conformance::domain::MAX_GRACE_PERIOD_DAYS
    );
}

#[test]
fn the_schema_id_pattern_is_the_process_id_format() {
    let schema = schema();
    let regex = pattern(field_schema(&schema, "id"));
    for sample in [
        "IDPa1b2c3d4e5f6g7h8i",
        "IDP00000000000000000",
        "IDPa1b2c3d4e5f6g7h8",
        "IDPa1b2c3d4e5f6g7h8ij",
        "idpa1b2c3d4e5f6g7h8i",
        "IDPa1b2c3d4e5f6g7h8-",
        "IDPa1b2c3d4e5f6g7h8é",
        " IDPa1b2c3d4e5f6g7h8i",
    ] {
        assert_eq!(
            regex.is_match(sample),
            ProcessId::parse(sample).is_ok(),
            "{sample:?}"
        );
    }
    // The DTO's required fields are the ones the domain always sets.
    let required: Vec<&str> = schema["$defs"]["IdentityDeletionProcess"]["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let minimal: IdentityDeletionProcess = serde_json::from_value(serde_json::json!({
        "id": "IDPa1b2c3d4e5f6g7h8i", "status": "Active",
        "createdAt": "2026-01-02T03:04:05.678Z", "createdByDevice": "DVC1"
    }))
    .unwrap();
    for field in Field::ALL {
        assert_eq!(
            required.contains(&field.name()),
            field.value(&minimal).is_some(),
            "{}",
            field.name()
        );
    }
}

/// PROTOCOL.md, "Integers": `seq` and `protocolVersion` are JSON Schema
/// `integer`s, which admit `2.0` and `2e0`; the suite reads them as the
/// schema does, and refuses what the schema refuses.
#[test]
fn the_schema_integers_are_the_suites() {
    use enmeshed_conformance::protocol::whole_number;
    let schema = schema();
    let defs = &schema["$defs"];
    assert_eq!(defs["seq"]["type"], "integer");
    assert_eq!(
        defs["StartResult"]["properties"]["protocolVersion"]["type"],
        "integer"
    );
    // What JSON Schema's `integer` admits: a number whose value is whole.
    for (text, value) in [("2", 2), ("2.0", 2), ("2e0", 2), ("0.2e1", 2), ("1.0", 1)] {
        let json: Value = serde_json::from_str(text).unwrap();
        assert_eq!(whole_number(&json), Some(value), "{text}");
    }
    for text in ["2.5", "-1", "\"2\"", "null", "true", "1e300"] {
        let json: Value = serde_json::from_str(text).unwrap();
        assert_eq!(whole_number(&json), None, "{text}");
    }
    let protocol =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("PROTOCOL.md")).unwrap();
    assert!(
        protocol.contains("`2` and `2.0` alike"),
        "PROTOCOL.md states the decision on integers"
    );
}
