//! The fast reading of records (`fast_toml`, over `toml-spanner`) against `toml`, the parser
//! whose messages users see: whatever the text, the fast path either refuses it (and `toml`
//! reads it, as before) or gives the very value `toml` gives. It never accepts what `toml`
//! rejects. Compared as a generic table (every TOML construct) and as the record and
//! questionnaire types (every serde attribute they use).

use std::fmt::Debug;
use std::fs;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use vse_assess::fast_toml;
use vse_assess::questionnaire::Questionnaire;
use vse_assess::record::Record;
use vse_assess::record::store;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Whether the fast path read `text` as `T` (`Ok(false)`: it left it to `toml`); `Err` says
/// how it disagreed with `toml`.
fn agree<T: DeserializeOwned + PartialEq + Debug>(text: &str) -> Result<bool, String> {
    let Some(fast) = fast_toml::from_str::<T>(text) else {
        return Ok(false);
    };
    match toml::from_str::<T>(text) {
        Ok(slow) if slow == fast => Ok(true),
        Ok(slow) => Err(format!(
            "read differently:\n{fast:?}\nagainst toml's\n{slow:?}"
        )),
        Err(e) => Err(format!("accepted what toml refuses: {e}")),
    }
}

/// [`agree`] as a table, a record and a questionnaire; how many of the three it read.
fn agree_all(text: &str) -> Result<usize, String> {
    let n = [
        agree::<toml::Table>(text)?,
        agree::<Record>(text)?,
        agree::<Questionnaire>(text)?,
    ];
    Ok(n.into_iter().filter(|&b| b).count())
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = fs::read_dir(Path::new(ROOT).join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    all.sort();
    all
}

/// The fuzzers' corpus, the fixtures and the shipped files, read as the fuzz targets read
/// them; most of the good ones are read by the fast path, not left to `toml`.
#[test]
fn the_corpus_reads_the_same_or_is_left_to_toml() {
    let mut paths = files("fuzz/corpus/record");
    paths.extend(files("fuzz/corpus/questionnaire"));
    paths.extend(files("tests/fixtures"));
    paths.extend(
        files("questionnaires")
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "toml")),
    );
    paths.extend(
        files("reports")
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "toml")),
    );
    let (mut read, mut good) = (0, 0);
    for path in &paths {
        let text = String::from_utf8_lossy(&fs::read(path).unwrap()).into_owned();
        let n = agree_all(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        read += n;
        good += [
            toml::from_str::<toml::Table>(&text).is_ok(),
            toml::from_str::<Record>(&text).is_ok(),
            toml::from_str::<Questionnaire>(&text).is_ok(),
        ]
        .into_iter()
        .filter(|&b| b)
        .count();
    }
    assert!(paths.len() > 1000, "{}", paths.len());
    // Texts with a float or a datetime are left to toml, as are the others it cannot read.
    assert!(read * 10 >= good * 9, "fast path read {read} of {good}");
}

/// The shipped example, the schema 2 fixture and the shipped questionnaire: read by the fast
/// path, to the same values.
#[test]
fn the_shipped_files_are_read_by_the_fast_path() {
    for (file, record) in [
        ("reports/example-assessment.toml", true),
        ("tests/fixtures/example-schema2.toml", true),
        ("questionnaires/iso29110-4-2-om.toml", false),
    ] {
        let text = fs::read_to_string(Path::new(ROOT).join(file)).unwrap();
        let read = if record {
            agree::<Record>(&text)
        } else {
            agree::<Questionnaire>(&text)
        };
        assert_eq!(read, Ok(true), "{file}");
    }
}

/// Texts written to find where two parsers part: each is read the same by both, or left to
/// `toml`; those `toml` refuses are never read.
const HOSTILE: &[&str] = &[
    // Duplicate keys, in every way TOML can spell one.
    "a = 1\na = 2\n",
    "a = 1\n\"a\" = 2\n",
    "a = 1\n'a' = 2\n",
    "\"\\u0061\" = 1\na = 2\n",
    "a.b = 1\na.b = 2\n",
    "[a]\nb = 1\n[a]\nc = 2\n",
    "[a]\n[a]\n",
    "[a.b]\n[a]\nb = 1\n",
    "[a]\nb.c = 1\n[a.b]\nd = 2\n",
    "[a.b.c]\n[a]\nb.c.d = 1\n",
    "a = {b = 1}\na.c = 2\n",
    "a = {b = 1}\n[a]\nc = 2\n",
    "a = {b = 1}\n[a.c]\n",
    "a = [1]\n[[a]]\n",
    "[[a]]\n[a]\n",
    "[a]\n[[a]]\n",
    "a = [{b = 1}]\n[[a]]\nb = 2\n",
    "[[a]]\nb = 1\n[a.b]\n",
    "[[a.b]]\n[a]\nb = 1\n",
    "a.b = 1\n[a]\nc = 1\n",
    "[a]\nb = 1\n[a.b]\n",
    "a = {b = {c = 1}, b.d = 2}\n",
    "a = {b.c = 1, b.c = 2}\n",
    "a = {b = 1, b = 2}\n",
    "[a.\"b.c\"]\nd = 1\n[a.b]\nc = 2\n",
    "['a'.b]\n[\"a\".'b']\n",
    // Tables and arrays of tables, good and bad.
    "[[a]]\n[[a]]\nb = 1\n[[a.c]]\n",
    "[ a . b ]\nc = 1\n",
    "[a]]\n",
    "[[a]\n",
    "[]\n",
    "[a.]\n",
    "[.a]\n",
    "a..b = 1\n",
    "= 1\n",
    "a =\n",
    "a = 1 b = 2\n",
    // Integers and the edges of i64.
    "a = 9223372036854775807\n",
    "a = -9223372036854775808\n",
    "a = 9223372036854775808\n",
    "a = 18446744073709551615\n",
    "a = -9223372036854775809\n",
    "a = 170141183460469231731687303715884105728\n",
    "a = 0x7fffffffffffffff\n",
    "a = 0xffffffffffffffff\n",
    "a = 0o777\na2 = 0b1010\na3 = 0xDEAD_beef\n",
    "a = 1_000\n",
    "a = 1__000\n",
    "a = _1\n",
    "a = 1_\n",
    "a = 01\n",
    "a = +0\nb = -0\n",
    "a = +0x1\n",
    "a = 0x\n",
    "schema = 99999999999999999999\n",
    // Floats and special values.
    "a = 1.0\n",
    "a = 1e3\nb = 1.5E-3\n",
    "a = nan\nb = +inf\nc = -inf\n",
    "a = 1.\n",
    "a = .1\n",
    "a = 1e\n",
    "a = 1e400\n",
    // Datetimes, good and bad.
    "a = 1979-05-27T07:32:00Z\n",
    "a = 1979-05-27T00:32:00.999999-07:00\n",
    "a = 1979-05-27 07:32:00\n",
    "a = 1979-05-27\n",
    "a = 07:32\n",
    "a = 07:32:00\n",
    "a = 1979-05-27T07:32\n",
    "a = 1979-02-30\n",
    "a = 1979-13-01\n",
    "a = 1979-05-27T24:00:00\n",
    "a = 1979-05-27T07:32:60Z\n",
    "a = 1979-05-27t07:32:00z\n",
    "a = 1979-05-27T07:32:00+25:00\n",
    "a = 2000-02-29\nb = 1900-02-29\n",
    // Strings and their escapes.
    "a = \"\\u00e9\\U0001F600\\t\\n\\\\\\\"\\b\\f\\r\"\n",
    "a = \"\\x41\\e\"\n",
    "a = \"\\uD800\"\n",
    "a = \"\\uDFFF\"\n",
    "a = \"\\U00110000\"\n",
    "a = \"\\U0000D800\"\n",
    "a = \"\\u12\"\n",
    "a = \"\\q\"\n",
    "a = \"\\ \"\n",
    "a = \"tab\there\"\n",
    "a = \"nul\u{0}here\"\n",
    "a = \"del\u{7f}here\"\n",
    "a = \"esc\u{1b}here\"\n",
    "a = 'lit\\nral'\n",
    "a = 'lit\u{7f}'\n",
    "a = \"unterminated\n",
    "a = \"line\nbreak\"\n",
    "a = \"\"\"\nfirst\nsecond\"\"\"\n",
    "a = \"\"\"\r\nfirst\r\nsecond\"\"\"\n",
    "a = \"\"\"one \\\n   two \\\r\n   three\"\"\"\n",
    "a = \"\"\"trailing \\   \n  x\"\"\"\n",
    "a = \"\"\"quotes \"\" inside \"\"\"\"\n",
    "a = \"\"\"quotes \"\"\"\"\"\n",
    "a = \"\"\"too many \"\"\"\"\"\"\n",
    "a = '''\nlit\r\neral'''\n",
    "a = '''x''''\n",
    "a = '''x'''''\n",
    "a = '''x''''''\n",
    "a = \"\"\"bare\rcr\"\"\"\n",
    "a = \"\"\"del\u{7f}\"\"\"\n",
    "\"\" = 1\n",
    "'' = 1\n",
    "\"a\nb\" = 1\n",
    "a = \"\u{feff}\"\n",
    "\u{feff}a = 1\n",
    // Line ends, whitespace and comments in odd places.
    "a = 1\r\nb = 2\r\n",
    "a = 1\rb = 2\n",
    "a = 1\r",
    "a = 1 # comment\r\n# another\r\n",
    "a = 1 # bare \r cr in comment\n",
    "a = 1 # nul \u{0} in comment\n",
    "a = 1 # del \u{7f} in comment\n",
    "a = 1 # tab \t in comment\n",
    "a = 1 # esc \u{1b} in comment\n",
    "a = [ # comment\n 1, # one\n 2 # two\n , # after\n] # end\n",
    "a = [1,,2]\n",
    "a = [,]\n",
    "a = [1,]\n",
    "a = [1 2]\n",
    "a = { b = 1, }\n",
    "a = {\n b = 1,\n c = 2\n}\n",
    "a = { # comment\n b = 1 }\n",
    "a = {b = 1\n}\n",
    "a = [1, 'two', {three = 3}, [4]]\n",
    "\ta\t=\t1\t\n",
    "a\n= 1\n",
    "a =\n1\n",
    "[a] # comment\nb = 1\n",
    "[a] b = 1\n",
    "[[a]] # comment\n",
    "# only a comment",
    "",
    "\n\n\n",
    "a = true\nb = false\nc = True\n",
    "a = truee\n",
    // Keys.
    "a-b_c = 1\n1234 = 2\n-- = 3\n",
    "a.b.c.d.e = 1\n",
    "a . b = 1\n",
    "é = 1\n",
    "\"é\" = 1\n",
    "a.'b'.\"c\" = 1\n",
    "a = 1\n[b]\na = 2\n",
    "3.14159 = 'pi'\n",
];

#[test]
fn hostile_texts_read_the_same_or_are_left_to_toml() {
    let mut read = 0;
    for text in HOSTILE {
        read += agree_all(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        // As the value of a record's field too: the path into the types is the same.
        let in_record = format!("schema = 3\n[assessment]\nvse = 'v'\n[questionnaire]\n{text}");
        agree_all(&in_record).unwrap_or_else(|e| panic!("{in_record:?}: {e}"));
    }
    assert!(read > 40, "{read}");
}

#[test]
fn what_toml_hands_over_otherwise_is_left_to_it() {
    for text in [
        "a = 1.5\n",
        "a = 1979-05-27\n",
        "a = 18446744073709551615\n",
    ] {
        assert!(toml::from_str::<toml::Table>(text).is_ok() || text.contains("1844"));
        assert_eq!(fast_toml::from_str::<toml::Table>(text), None, "{text}");
    }
}

/// A deep nesting is refused by both (or read by both), without overflowing the stack.
#[test]
fn deep_nesting_is_read_the_same() {
    for n in [100, 300, 10_000] {
        for text in [
            format!("a = {}{}\n", "[".repeat(n), "]".repeat(n)),
            format!("a = {}1{}\n", "{b = ".repeat(n), "}".repeat(n)),
            format!("{} = 1\n", vec!["a"; n].join(".")),
            format!("[{}]\n", vec!["a"; n].join(".")),
        ] {
            agree_all(&text).unwrap_or_else(|e| panic!("depth {n}: {e}"));
        }
    }
}

/// The tests' complete audit: the record shape the generated texts start from.
fn audit() -> String {
    fs::read_to_string(crate::common::AUDIT).unwrap()
}

/// Pieces of TOML, good and bad, for the generated texts below.
fn fragment() -> impl Strategy<Value = String> {
    let fixed: Vec<String> = HOSTILE.iter().map(|s| s.to_string()).collect();
    prop_oneof![
        prop::sample::select(fixed),
        prop::sample::select(vec![
            "[",
            "]",
            "[[",
            "]]",
            "{",
            "}",
            "=",
            ".",
            ",",
            "\"",
            "'",
            "\"\"\"",
            "'''",
            "#",
            "\n",
            "\r\n",
            "\r",
            " ",
            "\t",
            "\\",
            "\\u",
            "\\U",
            "\\x",
            "a",
            "b",
            "1",
            "-",
            "+",
            "_",
            ":",
            "T",
            "Z",
            "é",
            "\u{0}",
            "\u{7f}",
            "\u{feff}",
            "inf",
            "nan",
            "true",
            "0x",
            "1979-05-27",
        ])
        .prop_map(str::to_owned),
        "[a-c]{1,3}( = [0-9]{1,3})?\n",
        "\\[[a-c.\"']{1,6}\\]\n",
        "\\[\\[[a-c.]{1,4}\\]\\]\n",
    ]
}

/// A text of record-shaped lines with pieces of TOML cut in at line starts: mostly a record
/// (so the record types are reached), broken in the ways a hand edit or a merge breaks one.
fn mutated_record() -> impl Strategy<Value = String> {
    let lines: Vec<String> = audit().lines().map(str::to_owned).collect();
    let n = lines.len();
    (
        prop::collection::vec((0..n, fragment(), 0..3u8), 1..4),
        any::<bool>(),
    )
        .prop_map(move |(edits, crlf)| {
            let mut lines = lines.clone();
            for (at, piece, how) in edits {
                match how {
                    0 => lines.insert(at, piece),
                    1 => lines[at] = piece,
                    _ => {
                        let copy = lines[at].clone();
                        lines.insert(at, copy);
                    }
                }
            }
            let text = lines.join("\n") + "\n";
            if crlf {
                text.replace('\n', "\r\n")
            } else {
                text
            }
        })
}

/// A record whose strings are anything a user might type or paste.
fn nasty_record() -> impl Strategy<Value = Record> {
    let piece = prop_oneof![
        any::<char>().prop_map(|c| c.to_string()),
        prop::sample::select(vec![
            "\"",
            "'",
            "\"\"\"",
            "'''",
            "\\",
            "\n",
            "\r\n",
            "\r",
            "\t",
            "#",
            "[",
            "]",
            "=",
            "\u{0}",
            "\u{7f}",
            "\u{feff}",
            "\u{1b}]52;c;eA==\u{7}",
            "中文",
            "e\u{301}",
        ])
        .prop_map(str::to_owned),
        "[a-z ]{1,12}",
    ];
    let text = prop::collection::vec(piece, 0..40).prop_map(|v| v.concat());
    (text.clone(), text.clone(), text).prop_map(|(a, b, c)| {
        let mut record = store::parse(Path::new("x.toml"), &audit()).unwrap();
        record.assessment.vse = a.clone();
        for answer in record.requirements.values_mut() {
            answer.notes = b.clone();
            answer.interviewed = vec![c.clone(), a.clone()];
        }
        for e in &mut record.evidence {
            e.title = c.clone();
        }
        record
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn generated_texts_read_the_same_or_are_left_to_toml(
        pieces in prop::collection::vec(fragment(), 1..12)
    ) {
        let text = pieces.concat();
        prop_assert!(agree_all(&text).is_ok(), "{:?}: {:?}", text, agree_all(&text));
    }

    #[test]
    fn broken_records_read_the_same_or_are_left_to_toml(text in mutated_record()) {
        let found = agree::<Record>(&text);
        prop_assert!(found.is_ok(), "{:?}", found);
    }

    /// What `save` writes is read back by the fast path, as it was.
    #[test]
    fn saved_records_are_read_back_by_the_fast_path(record in nasty_record()) {
        let text = store::to_text(&record);
        prop_assert_eq!(agree::<Record>(&text), Ok(true));
        prop_assert_eq!(fast_toml::from_str::<Record>(&text), Some(record));
    }
}

/// Where the fast parser is more lenient than `toml`, as a parser: integers beyond `i64`
/// (which [`fast_toml`] refuses) and nesting past `toml`'s limit of 80 (which it refuses too,
/// see [`deep_nesting_is_read_the_same`]). On every other hostile text the two accept and
/// refuse alike.
#[test]
fn the_parsers_part_only_on_integers_beyond_i64() {
    let mut parted = Vec::new();
    for text in HOSTILE {
        let arena = toml_spanner::Arena::new();
        let fast = toml_spanner::parse(text, &arena).is_ok();
        if fast != toml::from_str::<toml::Table>(text).is_ok() {
            parted.push(*text);
        }
    }
    assert_eq!(
        parted,
        [
            "a = 9223372036854775808\n",
            "a = 18446744073709551615\n",
            "a = -9223372036854775809\n",
            "a = 0xffffffffffffffff\n",
            "schema = 99999999999999999999\n",
        ]
    );
}
