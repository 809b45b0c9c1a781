//! A faster reading of TOML texts that `toml` would read the same way.
//!
//! `toml`'s parse is most of the time it takes to open a record (and a portfolio of them), and
//! most of the memory. `toml-spanner` parses the same text three times faster into a tree
//! allocated in one arena; [`from_str`] hands that tree to the very `Deserialize` impls `toml`
//! drives, through the small [`serde::Deserializer`] below, so every serde attribute of the
//! record and questionnaire types works as it does there.
//!
//! It only ever answers `Some` for a text `toml` reads into the same value; anything else,
//! every error included, is `None` and the caller reads the text with `toml`, whose messages
//! the user sees ([`crate::diagnostic::from_toml`]). So it refuses whatever it does not
//! present exactly as `toml` does: floats and datetimes (no record or questionnaire holds
//! one), integers outside `i64` (which `toml` hands over differently), enums written as
//! tables, and `toml`'s own private structs (`Spanned`, `Datetime`). Where the two parsers
//! could disagree on the text itself, `tests/parse.rs` compares them over the fuzz corpus and
//! generated hostile texts.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use toml_spanner::{Arena, Item, Key, Value};

/// `text` read into `T`, or `None` when `toml` must read it (see the module doc).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    // The arena holds the tree, and goes as soon as `T` is built: only the text and the value
    // outlive the call.
    let arena = Arena::new();
    let doc = toml_spanner::parse(text, &arena).ok()?;
    let root = doc.table().as_item();
    if !shallow(root, MAX_DEPTH) {
        return None;
    }
    T::deserialize(Node(root)).ok()
}

/// `toml` refuses a value nested more than 80 deep, or a key of more than 80 parts (the
/// fast parser allows 256 and any): a tree nested deeper than this is left to it, whatever
/// the type would have looked at. A record is nested 4 deep.
const MAX_DEPTH: usize = 64;

/// Whether no table or array in `item` is nested more than `depth` deep.
fn shallow(item: &Item<'_>, depth: usize) -> bool {
    match item.value() {
        Value::Table(t) => depth > 0 && t.iter().all(|(_, v)| shallow(v, depth - 1)),
        Value::Array(a) => depth > 0 && a.iter().all(|v| shallow(v, depth - 1)),
        _ => true,
    }
}

/// Why a text goes to `toml`; never shown, so it carries nothing.
#[derive(Debug)]
pub struct Refused;

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to toml")
    }
}

impl std::error::Error for Refused {}

impl de::Error for Refused {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Refused
    }
}

/// One value of the tree, handed over as `toml`'s `ValueDeserializer` hands it.
struct Node<'a, 't>(&'a Item<'t>);

impl<'de> de::Deserializer<'de> for Node<'_, '_> {
    type Error = Refused;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self.0.value() {
            Value::String(s) => visitor.visit_str(s),
            // `toml` hands a larger one over as u64 or i128.
            Value::Integer(i) => visitor.visit_i64(i.as_i64().ok_or(Refused)?),
            Value::Boolean(b) => visitor.visit_bool(*b),
            // `toml` hands a datetime over as its private struct, and may round a float
            // otherwise: neither is in a record, so neither is worth copying.
            Value::Float(_) | Value::DateTime(_) => Err(Refused),
            Value::Array(items) => visitor.visit_seq(Seq(items.iter())),
            Value::Table(table) => visitor.visit_map(Map {
                entries: table.iter(),
                value: None,
            }),
        }
    }

    // A value that is there is `Some`: TOML has no null.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Refused> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refused> {
        // `toml`'s `Spanned` and `Datetime` are read by name.
        if name.starts_with("$__") {
            return Err(Refused);
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Refused> {
        match self.0.value() {
            Value::String(s) => {
                visitor.visit_enum(IntoDeserializer::<Refused>::into_deserializer(*s))
            }
            _ => Err(Refused),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

struct Seq<'a, 't>(std::slice::Iter<'a, Item<'t>>);

impl<'de> SeqAccess<'de> for Seq<'_, '_> {
    type Error = Refused;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Refused> {
        self.0.next().map(|v| seed.deserialize(Node(v))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// A table's entries in the order of the text (`toml` sorts them: for a struct or a map the
/// value is the same, and an error goes to `toml` whatever the order).
struct Map<'a, 't> {
    entries: std::slice::Iter<'a, (Key<'t>, Item<'t>)>,
    value: Option<&'a Item<'t>>,
}

impl<'de> MapAccess<'de> for Map<'_, '_> {
    type Error = Refused;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Refused> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        // A key is a string: a map keyed by numbers (which `toml` parses) is refused.
        seed.deserialize(IntoDeserializer::<Refused>::into_deserializer(key.name))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Refused> {
        seed.deserialize(Node(self.value.take().ok_or(Refused)?))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}
