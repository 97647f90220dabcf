//! serde over the browser's JSON values: an answer the browser parsed
//! (`Response.json`) read as a `shared::api` type, and a request written
//! as a value for `JSON.stringify`.
//!
//! Why not serde_json or serde-wasm-bindgen: a JSON parser in the wasm cost
//! 14 KB gzip in the editor's first part and 19 KB in Min plan, and
//! serde-wasm-bindgen 5 and 8 KB, both over the size budgets; most of the
//! latter is its error messages. Here an error has no message (the app
//! shows the person its own words, never serde's), so none of serde's
//! message formatting is in the wasm. What the API sends is plain: objects,
//! arrays, strings, integers, booleans, null, and enums as their names.

use serde::de::value::StringDeserializer;
use serde::de::{DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Impossible, Serialize, SerializeSeq, SerializeStruct};
use serde::{forward_to_deserialize_any, Deserializer};
use wasm_bindgen::{JsCast, JsValue};

/// A value that does not have the shape asked for (no details: see the
/// module's doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mismatch;

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the JSON does not have the expected shape")
    }
}

impl std::error::Error for Mismatch {}

impl serde::de::Error for Mismatch {
    fn custom<T: std::fmt::Display>(_: T) -> Mismatch {
        Mismatch
    }
}

impl serde::ser::Error for Mismatch {
    fn custom<T: std::fmt::Display>(_: T) -> Mismatch {
        Mismatch
    }
}

/// `value` (as the browser parsed it) read as `T`.
pub fn from_value<T: DeserializeOwned>(value: JsValue) -> Result<T, Mismatch> {
    T::deserialize(Value(value))
}

/// `value` as a browser value, for `JSON.stringify`.
pub fn to_value<T: Serialize>(value: &T) -> Result<JsValue, Mismatch> {
    value.serialize(ToValue)
}

/// The largest integer a JS number holds exactly (2^53).
const EXACT: f64 = 9_007_199_254_740_992.0;

struct Value(JsValue);

impl<'de> Deserializer<'de> for Value {
    type Error = Mismatch;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        let value = self.0;
        if value.is_null() || value.is_undefined() {
            visitor.visit_unit()
        } else if let Some(b) = value.as_bool() {
            visitor.visit_bool(b)
        } else if let Some(n) = value.as_f64() {
            if n.fract() == 0.0 && n.abs() <= EXACT {
                visitor.visit_i64(n as i64)
            } else {
                visitor.visit_f64(n)
            }
        } else if let Some(s) = value.as_string() {
            visitor.visit_string(s)
        } else if let Some(array) = value.dyn_ref::<js_sys::Array>() {
            visitor.visit_seq(Items { items: array.clone().into_iter() })
        } else if let Some(object) = value.dyn_ref::<js_sys::Object>() {
            visitor.visit_map(Entries { entries: js_sys::Object::entries(object).into_iter(), value: None })
        } else {
            Err(Mismatch)
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    /// Enums are sent as the names of their variants (`"reader"`).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Mismatch> {
        let name: StringDeserializer<Mismatch> = self.0.as_string().ok_or(Mismatch)?.into_deserializer();
        visitor.visit_enum(name)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

struct Items {
    items: js_sys::ArrayIntoIter,
}

impl<'de> SeqAccess<'de> for Items {
    type Error = Mismatch;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Mismatch> {
        self.items.next().map(|item| seed.deserialize(Value(item))).transpose()
    }
}

/// An object's `[key, value]` pairs.
struct Entries {
    entries: js_sys::ArrayIntoIter,
    value: Option<JsValue>,
}

impl<'de> MapAccess<'de> for Entries {
    type Error = Mismatch;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Mismatch> {
        let Some(entry) = self.entries.next() else { return Ok(None) };
        let entry: js_sys::Array = entry.unchecked_into();
        self.value = Some(entry.get(1));
        let key: StringDeserializer<Mismatch> = entry.get(0).as_string().ok_or(Mismatch)?.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Mismatch> {
        seed.deserialize(Value(self.value.take().ok_or(Mismatch)?))
    }
}

struct ToValue;

/// Serializer methods of numbers that a JS number holds exactly.
macro_rules! numbers {
    ($($method:ident: $type:ty),*) => {
        $(fn $method(self, v: $type) -> Result<JsValue, Mismatch> {
            Ok(JsValue::from_f64(v.into()))
        })*
    };
}

/// An integer as a JS number, if it holds it exactly.
fn exact(n: f64) -> Result<JsValue, Mismatch> {
    if n.abs() <= EXACT {
        Ok(JsValue::from_f64(n))
    } else {
        Err(Mismatch)
    }
}

impl serde::Serializer for ToValue {
    type Ok = JsValue;
    type Error = Mismatch;
    type SerializeSeq = Array;
    type SerializeTuple = Impossible<JsValue, Mismatch>;
    type SerializeTupleStruct = Impossible<JsValue, Mismatch>;
    type SerializeTupleVariant = Impossible<JsValue, Mismatch>;
    type SerializeMap = Impossible<JsValue, Mismatch>;
    type SerializeStruct = Object;
    type SerializeStructVariant = Impossible<JsValue, Mismatch>;

    fn serialize_bool(self, v: bool) -> Result<JsValue, Mismatch> {
        Ok(JsValue::from_bool(v))
    }
    numbers! {
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_f32: f32, serialize_f64: f64
    }
    fn serialize_i64(self, v: i64) -> Result<JsValue, Mismatch> {
        exact(v as f64)
    }
    fn serialize_u64(self, v: u64) -> Result<JsValue, Mismatch> {
        exact(v as f64)
    }
    fn serialize_char(self, v: char) -> Result<JsValue, Mismatch> {
        Ok(JsValue::from_str(v.encode_utf8(&mut [0; 4])))
    }
    fn serialize_str(self, v: &str) -> Result<JsValue, Mismatch> {
        Ok(JsValue::from_str(v))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<JsValue, Mismatch> {
        Err(Mismatch)
    }
    fn serialize_none(self) -> Result<JsValue, Mismatch> {
        Ok(JsValue::NULL)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<JsValue, Mismatch> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<JsValue, Mismatch> {
        Ok(JsValue::NULL)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<JsValue, Mismatch> {
        Ok(JsValue::NULL)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<JsValue, Mismatch> {
        Ok(JsValue::from_str(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<JsValue, Mismatch> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<JsValue, Mismatch> {
        Err(Mismatch)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Array, Mismatch> {
        Ok(Array(js_sys::Array::new()))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Mismatch> {
        Err(Mismatch)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Mismatch> {
        Err(Mismatch)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Mismatch> {
        Err(Mismatch)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Mismatch> {
        Err(Mismatch)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object, Mismatch> {
        Ok(Object(js_sys::Object::new()))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Mismatch> {
        Err(Mismatch)
    }
}

struct Array(js_sys::Array);

impl SerializeSeq for Array {
    type Ok = JsValue;
    type Error = Mismatch;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Mismatch> {
        self.0.push(&value.serialize(ToValue)?);
        Ok(())
    }

    fn end(self) -> Result<JsValue, Mismatch> {
        Ok(self.0.into())
    }
}

struct Object(js_sys::Object);

impl SerializeStruct for Object {
    type Ok = JsValue;
    type Error = Mismatch;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Mismatch> {
        js_sys::Reflect::set(&self.0, &JsValue::from_str(key), &value.serialize(ToValue)?)
            .map_err(|_| Mismatch)?;
        Ok(())
    }

    fn end(self) -> Result<JsValue, Mismatch> {
        Ok(self.0.into())
    }
}
