//! The plan as JSON that another system can read.
//!
//! Why not automerge's `AutoSerde`: log entries (consent, status, reports,
//! approvals, revisions; [`Record`](super::Record)) are stored as one CBOR
//! value each, which `AutoSerde` writes as arrays of byte numbers that no
//! other system can read. This walks the document itself and writes every
//! record as the structured JSON it holds, every text as a string, every
//! collection as an object keyed by the items' ids. The result follows the
//! versioned JSON Schema in `shared/schema/` (checked by a test against the
//! large plan).

use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use serde_json::{Map, Number, Value as Json};

/// The name of the export format, in every export's envelope.
pub const FORMAT: &str = "samplan-plan";

/// The version of the export format (the JSON Schema's `$id` names it).
/// Version 1 wrote records as byte arrays; version 2 as structured JSON.
pub const EXPORT_VERSION: u64 = 2;

/// The whole plan document as JSON in its envelope (format, export and
/// schema versions, the plan).
pub fn to_json_value(doc: &impl ReadDoc) -> Json {
    let mut envelope = Map::new();
    envelope.insert("format".into(), Json::from(FORMAT));
    envelope.insert("export_version".into(), Json::from(EXPORT_VERSION));
    envelope.insert("schema_version".into(), Json::from(super::SCHEMA_VERSION));
    envelope.insert("plan".into(), object(doc, &ROOT, ObjType::Map));
    Json::Object(envelope)
}

fn object(doc: &impl ReadDoc, id: &ObjId, kind: ObjType) -> Json {
    match kind {
        ObjType::Map | ObjType::Table => {
            let mut map = Map::new();
            for key in doc.keys(id) {
                if let Ok(Some((value, child))) = doc.get(id, key.as_str()) {
                    map.insert(key, value_to_json(doc, value, &child));
                }
            }
            Json::Object(map)
        }
        ObjType::List => Json::Array(
            (0..doc.length(id))
                .filter_map(|index| doc.get(id, index).ok().flatten())
                .map(|(value, child)| value_to_json(doc, value, &child))
                .collect(),
        ),
        ObjType::Text => Json::String(doc.text(id).unwrap_or_default()),
    }
}

fn value_to_json(doc: &impl ReadDoc, value: Value<'_>, id: &ObjId) -> Json {
    match value {
        Value::Object(kind) => object(doc, id, kind),
        Value::Scalar(scalar) => scalar_to_json(&scalar),
    }
}

fn scalar_to_json(scalar: &ScalarValue) -> Json {
    match scalar {
        // A record: the CBOR value it holds. Bytes that are no CBOR (none
        // the app writes) stay readable as base-16 text.
        ScalarValue::Bytes(bytes) => match ciborium::from_reader::<ciborium::Value, _>(bytes.as_slice()) {
            Ok(value) => cbor_to_json(value),
            Err(_) => Json::String(bytes.iter().map(|b| format!("{b:02x}")).collect()),
        },
        ScalarValue::Str(text) => Json::String(text.to_string()),
        ScalarValue::Int(n) => Json::from(*n),
        ScalarValue::Uint(n) => Json::from(*n),
        ScalarValue::F64(n) => Number::from_f64(*n).map_or(Json::Null, Json::Number),
        ScalarValue::Counter(counter) => Json::from(i64::from(counter)),
        ScalarValue::Timestamp(ms) => Json::from(*ms),
        ScalarValue::Boolean(b) => Json::Bool(*b),
        ScalarValue::Null | ScalarValue::Unknown { .. } => Json::Null,
    }
}

fn cbor_to_json(value: ciborium::Value) -> Json {
    use ciborium::Value as Cbor;
    match value {
        Cbor::Integer(n) => {
            let n = i128::from(n);
            i64::try_from(n)
                .map(Json::from)
                .or_else(|_| u64::try_from(n).map(Json::from))
                .unwrap_or(Json::Null)
        }
        Cbor::Bytes(bytes) => Json::String(bytes.iter().map(|b| format!("{b:02x}")).collect()),
        Cbor::Float(n) => Number::from_f64(n).map_or(Json::Null, Json::Number),
        Cbor::Text(text) => Json::String(text),
        Cbor::Bool(b) => Json::Bool(b),
        Cbor::Null => Json::Null,
        Cbor::Tag(_, inner) => cbor_to_json(*inner),
        Cbor::Array(items) => Json::Array(items.into_iter().map(cbor_to_json).collect()),
        Cbor::Map(entries) => Json::Object(
            entries
                .into_iter()
                .map(|(key, value)| {
                    let key = match key {
                        Cbor::Text(text) => text,
                        other => cbor_to_json(other).to_string(),
                    };
                    (key, cbor_to_json(value))
                })
                .collect(),
        ),
        _ => Json::Null,
    }
}

#[cfg(test)]
mod tests;
