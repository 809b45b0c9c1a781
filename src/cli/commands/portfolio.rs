//! `portfolio`: finding the record files under the paths given, reading them in parallel
//! (read-only: no lock is taken, nothing is written) and handing one row per record to
//! [`report::portfolio`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::*;
use crate::questionnaire::catalog::Loaded;
use crate::report::portfolio::{self, Entry, Row};

/// The copies a save or the interview leaves beside a record `NAME.toml`: `NAME.KIND.toml`,
/// `NAME.KIND-N.toml` (see `record::conflict::numbered`). A copy of a record already listed
/// is not another assessment.
const SIDE_COPIES: [&str; 5] = ["mine", "unsaved", "theirs", "recovered", "draft"];

pub(super) fn portfolio(
    paths: &[PathBuf],
    format: report::portfolio::Format,
    output: Option<&Path>,
) -> Result<ExitCode> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found);
            found.sort();
            files.extend(found.into_iter().map(|f| (f, false)));
        } else {
            // Named on the command line: read whatever it is, and say why it is not a record.
            files.push((path.clone(), true));
        }
    }
    // A file given twice (named, and in a folder given too) is one row.
    let mut seen = std::collections::HashSet::new();
    files.retain(|(f, _)| seen.insert(f.clone()));
    // Never over a record it lists (nor its lock or temporary files).
    if let Some(out) = output {
        for (file, _) in &files {
            if let Some(why) = store::owned_by_record(file, out) {
                bail!(invalid(format!(
                    "refusing to write the portfolio to {}: {why} ({}); choose another file",
                    display_path(out),
                    display_path(file)
                )));
            }
        }
    }
    let today = today();
    let mut entries = read_all(&files, today);
    portfolio::sort(&mut entries);
    let failed = entries.iter().any(|e| matches!(e, Entry::Failed { .. }));
    write_report(output, &portfolio::render(&entries, format, today))?;
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// The `*.toml` files under `dir`, but hidden ones (lock and temporary files of a save, `.git`),
/// `target/` folders and the copies beside a record ([`SIDE_COPIES`]). Symbolic links to
/// files are followed, links to folders are not (no loops).
fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if name != "target" {
                walk(&path, found);
            }
        } else if name.ends_with(".toml")
            && !is_side_copy(&name)
            && (kind.is_file() || (kind.is_symlink() && path.is_file()))
        {
            found.push(path);
        }
    }
}

/// `a.mine.toml`, `a.unsaved-3.toml`...
fn is_side_copy(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".toml") else {
        return false;
    };
    let Some((base, kind)) = stem.rsplit_once('.') else {
        return false;
    };
    if base.is_empty() {
        return false;
    }
    let kind = match kind.split_once('-') {
        Some((kind, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => kind,
        Some(_) => return false,
        None => kind,
    };
    SIDE_COPIES.contains(&kind)
}

/// Questionnaires loaded once for the whole portfolio: by the file a record names, else by
/// id (embedded or in ./questionnaires/).
type Cache = Mutex<HashMap<(Option<PathBuf>, String), Arc<Loaded>>>;

/// Every file read, a worker per core, in the order given; a file that is not a record in a
/// folder walked is left out.
fn read_all(files: &[(PathBuf, bool)], today: jiff::civil::Date) -> Vec<Entry> {
    let next = AtomicUsize::new(0);
    let cache = Cache::default();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, files.len().max(1));
    let mut read: Vec<(usize, Entry)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((file, named)) = files.get(i) else {
                            break;
                        };
                        if let Some(entry) = entry(file, *named, &cache, today) {
                            mine.push((i, entry));
                        }
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    read.sort_by_key(|(i, _)| *i);
    read.into_iter().map(|(_, e)| e).collect()
}

/// The row of one file; `None` for a file found in a folder that is not a record.
fn entry(file: &Path, named: bool, cache: &Cache, today: jiff::civil::Date) -> Option<Entry> {
    let shown = display_path(file);
    match summarise(file, cache, today) {
        Ok(Some(row)) => Some(Entry::Loaded(row)),
        Ok(None) if named => Some(Entry::failed(
            shown.clone(),
            &format!("{shown}: not an assessment record (it has no top-level `schema`)"),
        )),
        Ok(None) => None,
        Err(e) => Some(Entry::failed(shown, &e.to_string())),
    }
}

/// Reads, parses and checks a record as `validate` does, and keeps only its row: the record
/// is dropped on return. `None` when the file parses as TOML but is not a record.
fn summarise(
    file: &Path,
    cache: &Cache,
    today: jiff::civil::Date,
) -> Result<Option<Row>, LoadError> {
    let text = read_text(file)?;
    let mut record = match store::parse(file, &text) {
        Ok(record) => record,
        // A record has a top-level `schema`; a questionnaire or another tool's file has not.
        Err(e) if has_schema(file, &text)? => return Err(e),
        Err(_) => return Ok(None),
    };
    let r = &record.questionnaire;
    let key = (
        r.path
            .as_ref()
            .map(|p| file.parent().unwrap_or(Path::new("")).join(p)),
        r.id.clone(),
    );
    let known = cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
        .cloned();
    let loaded = match known {
        Some(loaded) => loaded,
        None => {
            let loaded = Arc::new(store::questionnaire_for(
                &record,
                file,
                &Access::Unrestricted,
            )?);
            cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key, loaded.clone());
            loaded
        }
    };
    let q = &loaded.questionnaire;
    store::check_with(file, &text, &mut record, q, today)?;
    Ok(Some(Row::of(display_path(file), &record, q, today)))
}

#[cfg(test)]
mod tests {
    use super::is_side_copy;

    #[test]
    fn copies_beside_a_record_are_known_by_name() {
        for copy in [
            "a.mine.toml",
            "a.mine-2.toml",
            "audit.unsaved.toml",
            "a.b.theirs-12.toml",
            "a.recovered.toml",
            "a.draft-3.toml",
        ] {
            assert!(is_side_copy(copy), "{copy}");
        }
        for record in [
            "a.toml",
            "mine.toml",
            ".mine.toml",
            "a.mine-x.toml",
            "a.mine-.toml",
            "a.minor.toml",
            "a.mine.txt",
        ] {
            assert!(!is_side_copy(record), "{record}");
        }
    }
}
