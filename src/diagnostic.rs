//! Problems found in a TOML file, located by line and column.
//!
//! Deserialisation and semantic checks both describe a problem by its *path* in the document
//! (`requirements."7.2.a".rating`); this module turns a path into a line and column by walking
//! a span-preserving parse of the same text, so every error names file, line, column and field.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml_edit::{Item, TableLike, Value};

use crate::text::{display_path, neutralize_line};

/// One step into a TOML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A problem found in a document, before it is located in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: Vec<Seg>,
    pub message: String,
}

impl Problem {
    pub fn new(path: Vec<Seg>, message: impl Into<String>) -> Self {
        Problem {
            path,
            message: message.into(),
        }
    }
}

/// Builds a path from keys and indices: `path!["requirements", id, "rating"]`.
#[macro_export]
macro_rules! path {
    ($($seg:expr),* $(,)?) => {
        vec![$($crate::diagnostic::IntoSeg::into_seg($seg)),*]
    };
}

pub trait IntoSeg {
    fn into_seg(self) -> Seg;
}
impl IntoSeg for &str {
    fn into_seg(self) -> Seg {
        Seg::Key(self.to_owned())
    }
}
impl IntoSeg for &String {
    fn into_seg(self) -> Seg {
        Seg::Key(self.clone())
    }
}
impl IntoSeg for usize {
    fn into_seg(self) -> Seg {
        Seg::Index(self)
    }
}

/// A problem with its place in a file: what the user sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The field as a dotted TOML path; empty for syntax errors.
    pub field: String,
    pub message: String,
}

/// Field and message echo keys and values from the file, so they are neutralised here: every
/// command, and the interview, shows them safely.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: ",
            display_path(&self.file),
            self.line,
            self.column
        )?;
        if !self.field.is_empty() {
            write!(f, "{}: ", neutralize_line(&self.field))?;
        }
        f.write_str(&neutralize_line(&self.message))
    }
}

/// Renders a path the way it would be written in TOML.
pub fn field_name(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                let bare = !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if bare {
                    out.push_str(k);
                } else {
                    out.push_str(&format!("{k:?}"));
                }
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// [`line_column`] of many offsets at once, in one pass over the text (sorted by offset):
/// finding each one from the start of the text would take time quadratic in their number.
pub fn line_columns(text: &str, offsets: &[usize]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let mut found = vec![(1, 1); offsets.len()];
    let (mut pos, mut line, mut column) = (0, 1, 1);
    for i in order {
        let target = floor_char_boundary(text, offsets[i].min(text.len()));
        for c in text[pos..target].chars() {
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        pos = pos.max(target);
        found[i] = (line, column);
    }
    found
}

/// Locates problems in `text` (the contents of `file`), in time linear in the size of the
/// text and the number of problems.
pub fn locate(file: &Path, text: &str, problems: Vec<Problem>) -> Vec<Diagnostic> {
    let doc = toml_edit::Document::parse(text).ok();
    let offsets: Vec<usize> = problems
        .iter()
        .map(|p| {
            doc.as_ref()
                .and_then(|d| span_of(d.as_table(), &p.path))
                .map_or(0, |s| s.start)
        })
        .collect();
    let places = line_columns(text, &offsets);
    problems
        .into_iter()
        .zip(places)
        .map(|(p, (line, column))| Diagnostic {
            file: file.to_owned(),
            line,
            column,
            field: field_name(&p.path),
            message: p.message,
        })
        .collect()
}

impl Diagnostic {
    pub fn at(
        file: &Path,
        text: &str,
        span: Option<Range<usize>>,
        field: String,
        message: String,
    ) -> Self {
        let (line, column) = line_column(text, span.map_or(0, |s| s.start));
        Diagnostic {
            file: file.to_owned(),
            line,
            column,
            field,
            message,
        }
    }
}

/// The span of the deepest part of `path` that exists in the document: a missing field is
/// reported where its table is.
fn span_of(root: &dyn TableLike, path: &[Seg]) -> Option<Range<usize>> {
    let mut best = None;
    let mut item: Option<&Item> = None;
    let mut value: Option<&Value> = None;
    let mut table: Option<&dyn TableLike> = Some(root);
    for seg in path {
        match seg {
            Seg::Key(k) => {
                let t = table?;
                let (key, found) = t.get_key_value(k)?;
                best = key.span().or(best);
                item = Some(found);
                value = found.as_value();
                table = found.as_table_like();
            }
            Seg::Index(i) => {
                if let Some(Item::ArrayOfTables(aot)) = item {
                    let t = aot.get(*i)?;
                    best = t.span().or(best);
                    item = None;
                    value = None;
                    table = Some(t);
                } else {
                    let v = value?.as_array()?.get(*i)?;
                    best = v.span().or(best);
                    item = None;
                    value = Some(v);
                    table = v.as_inline_table().map(|t| t as &dyn TableLike);
                }
            }
        }
    }
    best
}

/// Deserialises `text` into `T`, reporting a syntax or type error with its place and field.
pub fn from_toml<T: serde::de::DeserializeOwned>(file: &Path, text: &str) -> Result<T, Diagnostic> {
    // A good text is read by the fast parser; whatever it refuses, `toml` reads, so every
    // message is `toml`'s.
    if let Some(value) = crate::fast_toml::from_str(text) {
        return Ok(value);
    }
    let de = toml::Deserializer::parse(text)
        .map_err(|e| Diagnostic::at(file, text, e.span(), String::new(), e.message().to_owned()))?;
    // The path to a field costs a third of the time to track: only a text that does not
    // load is read again to find where.
    if let Ok(value) = T::deserialize(de) {
        return Ok(value);
    }
    let de = toml::Deserializer::parse(text).expect("parsed above");
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path: Vec<Seg> = e
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Map { key } => Some(Seg::Key(key.clone())),
                serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
                serde_path_to_error::Segment::Enum { .. } => None,
                serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        let inner = e.inner();
        let span = inner.span().or_else(|| {
            toml_edit::Document::parse(text)
                .ok()
                .and_then(|d| span_of(d.as_table(), &path))
        });
        Diagnostic::at(
            file,
            text,
            span,
            field_name(&path),
            inner.message().to_owned(),
        )
    })
}

/// [`from_toml`], with every key `T` does not know listed, not only the first the
/// deserialiser stopped at (an unknown key ends a derived `deny_unknown_fields` parse): each
/// with its file, line and field, in the order of the file. Keys are collected up to the
/// first problem of another kind, which is listed too.
pub fn from_toml_all<T: serde::de::DeserializeOwned>(
    file: &Path,
    text: &str,
) -> Result<T, Vec<Diagnostic>> {
    let first = match from_toml(file, text) {
        Ok(value) => return Ok(value),
        Err(first) => first,
    };
    let mut all = unknown_keys::<T>(file, text);
    let place = |d: &Diagnostic| (d.line, d.column, d.field.clone());
    if !all.iter().any(|d| place(d) == place(&first)) {
        all.push(first);
    }
    all.sort_by_key(|d| (d.line, d.column));
    Err(all)
}

/// Every key of `text` that `T` does not know, located. `T` is read from the parsed document
/// by [`unknown::Node`], which hands each struct only the fields it names and notes the
/// others, so one pass finds them all: time linear in the size of the text.
pub fn unknown_keys<T: serde::de::DeserializeOwned>(file: &Path, text: &str) -> Vec<Diagnostic> {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return Vec::new();
    };
    let found = std::cell::RefCell::new(Vec::new());
    let root = toml::Value::Table(table);
    let _ = T::deserialize(unknown::Node {
        value: &root,
        path: Vec::new(),
        found: &found,
    });
    locate(file, text, found.into_inner())
}

mod unknown {
    use std::cell::RefCell;

    use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
    use toml::Value;

    use super::{Problem, Seg};

    type Error = de::value::Error;

    /// A value of the document at `path`; unknown keys below it go to `found`.
    pub struct Node<'a> {
        pub value: &'a Value,
        pub path: Vec<Seg>,
        pub found: &'a RefCell<Vec<Problem>>,
    }

    impl<'a> Node<'a> {
        fn child(&self, seg: Seg, value: &'a Value) -> Node<'a> {
            let mut path = self.path.clone();
            path.push(seg);
            Node {
                value,
                path,
                found: self.found,
            }
        }

        fn map(self, fields: Option<&'static [&'static str]>) -> Map<'a> {
            let table = self.value.as_table().expect("a table");
            let mut entries = Vec::with_capacity(table.len());
            for (k, v) in table {
                match fields {
                    Some(fields) if !fields.contains(&k.as_str()) => {
                        let mut path = self.path.clone();
                        path.push(Seg::Key(k.clone()));
                        let message = <Error as de::Error>::unknown_field(k, fields).to_string();
                        self.found.borrow_mut().push(Problem::new(path, message));
                    }
                    _ => entries.push((k, v)),
                }
            }
            Map {
                node: self,
                entries: entries.into_iter(),
                pending: None,
            }
        }
    }

    pub struct Map<'a> {
        node: Node<'a>,
        entries: std::vec::IntoIter<(&'a String, &'a Value)>,
        pending: Option<(&'a String, &'a Value)>,
    }

    impl<'de> MapAccess<'de> for Map<'_> {
        type Error = Error;

        fn next_key_seed<K: DeserializeSeed<'de>>(
            &mut self,
            seed: K,
        ) -> Result<Option<K::Value>, Error> {
            let Some((k, v)) = self.entries.next() else {
                return Ok(None);
            };
            self.pending = Some((k, v));
            seed.deserialize(k.as_str().into_deserializer()).map(Some)
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
            let (k, v) = self.pending.take().expect("a key first");
            seed.deserialize(self.node.child(Seg::Key(k.clone()), v))
        }
    }

    pub struct Seq<'a> {
        node: &'a Node<'a>,
        items: std::iter::Enumerate<std::slice::Iter<'a, Value>>,
    }

    impl<'de> SeqAccess<'de> for Seq<'_> {
        type Error = Error;

        fn next_element_seed<T: DeserializeSeed<'de>>(
            &mut self,
            seed: T,
        ) -> Result<Option<T::Value>, Error> {
            match self.items.next() {
                Some((i, v)) => seed
                    .deserialize(self.node.child(Seg::Index(i), v))
                    .map(Some),
                None => Ok(None),
            }
        }
    }

    impl<'de> de::Deserializer<'de> for Node<'_> {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.value {
                Value::String(s) => visitor.visit_str(s),
                Value::Integer(i) => visitor.visit_i64(*i),
                Value::Float(f) => visitor.visit_f64(*f),
                Value::Boolean(b) => visitor.visit_bool(*b),
                Value::Datetime(d) => visitor.visit_string(d.to_string()),
                Value::Array(items) => visitor.visit_seq(Seq {
                    node: &self,
                    items: items.iter().enumerate(),
                }),
                Value::Table(_) => visitor.visit_map(self.map(None)),
            }
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Error> {
            match self.value {
                Value::Table(_) => visitor.visit_map(self.map(Some(fields))),
                _ => self.deserialize_any(visitor),
            }
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.visit_some(self)
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Error> {
            visitor.visit_newtype_struct(self)
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _variants: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Error> {
            match self.value {
                Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
                _ => self.deserialize_any(visitor),
            }
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, text.find('=').unwrap()), (1, 3));
        let second_eq = text.rfind('=').unwrap();
        assert_eq!(line_column(text, second_eq), (2, 4));
    }

    #[test]
    fn many_offsets_are_located_like_one() {
        let text = "a = 1\nbé = 2\n\nc = 3";
        let offsets: Vec<usize> = (0..=text.len() + 2).rev().collect();
        let expected: Vec<(usize, usize)> = offsets.iter().map(|&o| line_column(text, o)).collect();
        assert_eq!(line_columns(text, &offsets), expected);
    }

    #[test]
    fn paths_are_rendered_as_toml() {
        let p = path!["requirements", "7.2.a", "findings", 2usize, "class"];
        assert_eq!(field_name(&p), "requirements.\"7.2.a\".findings[2].class");
    }

    #[test]
    fn semantic_problems_are_located_at_their_key() {
        let text = "schema = 1\n\n[requirements.\"7.2.a\"]\nrating = \"NA\"\n";
        let d = locate(
            Path::new("x.toml"),
            text,
            vec![Problem::new(
                path!["requirements", "7.2.a", "rating"],
                "needs a justification",
            )],
        );
        assert_eq!((d[0].line, d[0].column), (4, 1));
        assert_eq!(
            d[0].to_string(),
            "x.toml:4:1: requirements.\"7.2.a\".rating: needs a justification"
        );
    }

    #[test]
    fn every_unknown_key_is_listed_in_file_order() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Inner {
            a: Option<u32>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Top {
            inner: Vec<Inner>,
            map: std::collections::BTreeMap<String, Inner>,
        }
        let text = "zz = 1\n[[inner]]\na = 1\nb = 2\n[[inner]]\nc = 3\n[map.x]\nd = 4\n";
        let all = from_toml_all::<Top>(Path::new("x.toml"), text).unwrap_err();
        let shown: Vec<String> = all
            .iter()
            .map(|d| format!("{}:{}", d.line, d.field))
            .collect();
        assert_eq!(
            shown,
            ["1:zz", "4:inner[0].b", "6:inner[1].c", "8:map.x.d"],
            "{all:?}"
        );
        assert!(
            all[1]
                .message
                .starts_with("unknown field `b`, expected `a`"),
            "{all:?}"
        );
    }

    #[test]
    fn array_of_tables_elements_are_located() {
        let text = "[[evidence]]\nid = \"E1\"\n\n[[evidence]]\nid = \"E1\"\n";
        let d = locate(
            Path::new("x.toml"),
            text,
            vec![Problem::new(path!["evidence", 1usize, "id"], "duplicate")],
        );
        assert_eq!(d[0].line, 5);
    }
}
