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
