//! The evidence register from a requirement: items linked or unlinked, added (their file
//! hashed when it is one here) and removed.

use std::io::{BufRead, Write};
use std::sync::atomic::AtomicBool;

use anyhow::Result;

use super::forms::{chosen, invalid, numbered};
use super::{CANCEL, Field, Session, value};
use crate::record::edit;
use crate::record::evidence::{self, Hashed};
use crate::record::{Evidence, EvidenceKind};

const EVIDENCE_KINDS: [EvidenceKind; 5] = [
    EvidenceKind::Document,
    EvidenceKind::Record,
    EvidenceKind::Interview,
    EvidenceKind::Observation,
    EvidenceKind::Url,
];

impl<I: BufRead, O: Write> Session<'_, I, O> {
    /// The evidence register from requirement `id`: each item numbered, linked to it or
    /// not; a number links or unlinks it, `+` adds an item (linked to it).
    pub(super) fn evidence(&mut self, id: &str) -> Result<()> {
        loop {
            let record = &self.opened.record;
            let lines: Vec<String> = if record.evidence.is_empty() {
                vec!["The evidence register is empty.".into()]
            } else {
                let items = crate::text::count(record.evidence.len(), "item");
                let mut lines = vec![format!("Evidence register ({items}):")];
                lines.extend(record.evidence.iter().enumerate().map(|(i, e)| {
                    let linked = if e.supports.iter().any(|s| s == id) {
                        format!("linked to {id}")
                    } else {
                        format!("not linked to {id}")
                    };
                    let at = if e.location.is_empty() {
                        String::new()
                    } else {
                        format!(", at {}", e.location)
                    };
                    format!(
                        "{} {}: {} ({}{at}), {linked}",
                        i + 1,
                        e.id,
                        e.title,
                        e.kind.key()
                    )
                }));
                lines
            };
            for line in lines {
                self.say(&line)?;
            }
            let n = self.opened.record.evidence.len();
            let numbers = match n {
                0 => String::new(),
                1 => "1 links or unlinks the item, ".into(),
                n => format!("a number from 1 to {n} links or unlinks that item, "),
            };
            let line = self.ask(&format!(
                "Evidence for {id}: type {numbers}+ to add an item to the register (linked to {id}), - and a number to remove that item, or Enter to go back: "
            ))?;
            let typed = line.trim();
            if typed.is_empty() || typed.eq_ignore_ascii_case(CANCEL) {
                return Ok(());
            }
            if typed == "+" {
                self.add_evidence(id)?;
                continue;
            }
            let removing = typed.strip_prefix('-').map(str::trim);
            let ids: Vec<String> = self
                .opened
                .record
                .evidence
                .iter()
                .map(|e| e.id.clone())
                .collect();
            let Some(ev) = chosen(&ids, removing.unwrap_or(typed)).map(str::to_owned) else {
                self.say(&format!(
                    "`{typed}` is not an item here: type its number, + or Enter."
                ))?;
                continue;
            };
            if removing.is_some() {
                if self.editable()? {
                    self.remove_evidence(&ev)?;
                }
                continue;
            }
            let linked = self
                .opened
                .record
                .evidence_item(&ev)
                .is_some_and(|e| e.supports.iter().any(|s| s == id));
            if self
                .change(|o, _| edit::link_evidence(&mut o.record, &ev, id, !linked))?
                .is_some()
            {
                let did = if linked { "unlinked from" } else { "linked to" };
                self.say(&format!("{ev} {did} {id}."))?;
            }
        }
    }

    /// A new item of the register, linked to requirement `id`; its file hashed when it is
    /// one here.
    fn add_evidence(&mut self, id: &str) -> Result<()> {
        let record = &self.opened.record;
        let proposed = (1..)
            .map(|n| format!("E{n}"))
            .find(|e| record.evidence_item(e).is_none())
            .expect("a free id");
        let kinds: Vec<String> = EVIDENCE_KINDS.iter().map(|k| k.key().to_owned()).collect();
        let mut fields = [
            Field::new(
                "id",
                format!(
                    "Evidence id, a new one (known: {}), Enter for {proposed}: ",
                    self.known_evidence()
                ),
                false,
            ),
            Field::new("title", format!("Title, or {CANCEL}: "), true),
            Field::new(
                "kind",
                format!("Kind ({}), Enter for document: ", numbered(&kinds)),
                false,
            ),
            Field::new(
                "location",
                "Location (a path, a URL or a place), Enter for none: ",
                false,
            ),
            Field::new("version", "Version or date, Enter for none: ", false),
        ];
        let (path, access) = (self.opened.path.clone(), self.opened.access.clone());
        let mut said = None;
        let made = self.form(&mut fields, |o, q, f| {
            let kind = match value(f, "kind") {
                "" => EvidenceKind::Document,
                typed => {
                    let key = chosen(&kinds, typed).ok_or_else(|| {
                        invalid(
                            "kind",
                            format!("`{typed}` is not a kind: type one of {}", kinds.join(", ")),
                        )
                    })?;
                    EVIDENCE_KINDS[kinds.iter().position(|k| k == key).expect("listed")]
                }
            };
            let typed_id = match value(f, "id") {
                "" => proposed.clone(),
                typed => typed.to_owned(),
            };
            // Kept relative to the record's folder when inside it, as the command line
            // keeps it; checked before its file is read.
            let location = evidence::stored_location(value(f, "location"), &path, &access);
            let mut item = Evidence {
                file: true,
                id: typed_id,
                title: value(f, "title").to_owned(),
                kind,
                location: location.clone(),
                version: value(f, "version").to_owned(),
                sha256: None,
                supports: vec![id.to_owned()],
                carried_from: String::new(),
                follow_up: false,
            };
            edit::add_evidence(&mut o.record.clone(), q, item.clone())?;
            let never = AtomicBool::new(false);
            let hashed = evidence::hash_local_file(&location, &path, &access, &never);
            said = match &hashed {
                Hashed::Skipped(why) => Some(format!("Warning: {location} not hashed: {why}.")),
                Hashed::NotLocal => {
                    evidence::entry_warning(&item, &path, &access).map(|w| format!("Warning: {w}."))
                }
                Hashed::Sha256(_) => None,
            };
            item.sha256 = hashed.sha256();
            let added = item.id.clone();
            edit::add_evidence(&mut o.record, q, item)?;
            Ok(added)
        })?;
        if let Some(added) = made {
            self.say(&format!(
                "{added} added to the register and linked to {id}."
            ))?;
            if let Some(warning) = said {
                self.say(&warning)?;
            }
        }
        Ok(())
    }

    /// Removes an item from the register, once confirmed, and from whatever cites it.
    fn remove_evidence(&mut self, ev: &str) -> Result<()> {
        let cited = edit::citations(&self.opened.record, ev);
        let question = if cited.is_empty() {
            format!("Remove {ev} from the register?")
        } else {
            format!(
                "{ev} is linked to {}. Remove it and these links?",
                cited.join(", ")
            )
        };
        if !self.yes_no(&question)? {
            return self.say("Nothing removed.");
        }
        if self
            .change(|o, _| edit::remove_evidence(&mut o.record, ev).map(drop))?
            .is_some()
        {
            self.say(&format!("{ev} removed from the register."))?;
        }
        Ok(())
    }
}
