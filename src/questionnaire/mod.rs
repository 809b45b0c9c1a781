//! A profile as data: processes, requirements with their facets, guidance and Annex A
//! references, the rating scale and the conformance rule. The format is described in
//! `questionnaires/README.md`.

pub mod catalog;
mod ids;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{self, Diagnostic, Problem};
use crate::path;
use crate::rating::{Level, Rating};

pub use ids::UnknownRequirement;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    pub questionnaire: Identity,
    pub scale: Vec<Level>,
    pub rule: Rule,
    #[serde(rename = "condition", default)]
    pub conditions: Vec<Condition>,
    #[serde(rename = "process")]
    pub processes: Vec<Process>,
    #[serde(rename = "requirement")]
    pub requirements: Vec<Requirement>,
    /// Where each requirement is in `requirements`, built on the first lookup.
    #[serde(skip)]
    positions: Positions,
}

/// A cache of requirement positions by id. Not content: two questionnaires with the same
/// requirements are equal whatever their caches hold.
#[derive(Debug, Clone, Default)]
struct Positions(std::sync::OnceLock<std::collections::HashMap<String, usize>>);

impl PartialEq for Positions {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    pub id: String,
    pub version: String,
    pub standard: String,
    pub edition: String,
    pub title: String,
    /// The clause that defines the conformance claim, e.g. "4.2".
    pub conformance_clause: String,
    pub conformance_situation: String,
    /// Standards the Annex A references may cite, with their editions.
    pub base_standards: Vec<String>,
}

/// How ratings roll up into a conformance verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Ratings that count as "met".
    pub met: Vec<Rating>,
    /// Whether a requirement marked not applicable blocks a claim (mandatory requirements
    /// admit no exclusion unless the certification body accepts it).
    #[serde(default = "yes")]
    pub not_applicable_blocks: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub id: String,
    pub question: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Process {
    pub id: String,
    pub clause: String,
    pub name: String,
    pub purpose: String,
    /// Where the purpose comes from when it restates a part of the standard (`Annex B.3.1`);
    /// empty when it was written for the questionnaire (say so in a TOML comment).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub purpose_source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub id: String,
    pub process: String,
    pub statement: String,
    pub question: String,
    pub facets: Vec<String>,
    /// Facets renamed (or split) since an earlier version, old text -> the facet it now is:
    /// a record that checked the old text is read as having checked the new one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub renamed_facets: BTreeMap<String, String>,
    pub guidance: String,
    #[serde(default)]
    pub annex_a: Vec<Reference>,
}

impl Requirement {
    /// The facet a record's checked text stands for now: itself, or what it was renamed to.
    pub fn current_facet<'a>(&'a self, checked: &'a str) -> &'a str {
        match self.renamed_facets.get(checked) {
            Some(new) if !self.facets.iter().any(|f| f == checked) => new,
            _ => checked,
        }
    }
}

/// One row of an Annex A table: a clause of a base standard with the items it lists, or a
/// remark that no clause applies (e.g. 12207:2017 6.4.1.1 NOTE 1, strategy out of scope).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub standard: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<String>,
    /// Lettered or numbered items as the table lists them: "b", "a-d", "a, c", "7".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<String>,
    /// A note of the clause the row points to, e.g. "NOTE 2".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Where the row gives no clause: the place in the base standard its remark cites.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    pub summary: String,
}

impl Reference {
    /// "6.2.1.2 b", "6.2.5.3 a NOTE 2", "7.1.3", or "6.4.1.1 NOTE 1 (remark, no clause)".
    pub fn citation(&self) -> String {
        match (&self.clause, &self.remark) {
            (Some(clause), _) => {
                let mut s = clause.clone();
                for extra in [&self.items, &self.note].into_iter().flatten() {
                    s.push(' ');
                    s.push_str(extra);
                }
                s
            }
            (None, Some(remark)) => format!("{remark} (remark, no clause)"),
            (None, None) => String::new(),
        }
    }
}

impl Questionnaire {
    /// The requirement with this id, in constant time.
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.position(id).map(|i| &self.requirements[i])
    }

    /// Where the requirement with this id is in `requirements`, in constant time. A hit is
    /// checked against the requirement it points to, and anything else is looked for the
    /// slow way, so a questionnaire changed after its first lookup still gets the right
    /// answer.
    pub fn position(&self, id: &str) -> Option<usize> {
        let positions = self.positions.0.get_or_init(|| {
            let mut map = std::collections::HashMap::with_capacity(self.requirements.len());
            for (i, r) in self.requirements.iter().enumerate() {
                map.entry(r.id.clone()).or_insert(i);
            }
            map
        });
        positions
            .get(id)
            .copied()
            .filter(|&i| self.requirements.get(i).is_some_and(|r| r.id == id))
            .or_else(|| self.requirements.iter().position(|r| r.id == id))
    }

    pub fn process(&self, id: &str) -> Option<&Process> {
        self.processes.iter().find(|p| p.id == id)
    }

    pub fn requirements_of<'a>(
        &'a self,
        process: &'a str,
    ) -> impl Iterator<Item = &'a Requirement> {
        self.requirements
            .iter()
            .filter(move |r| r.process == process)
    }

    pub fn level(&self, rating: Rating) -> Option<&Level> {
        self.scale.iter().find(|l| l.rating == rating)
    }

    /// Every problem in the questionnaire's content (the TOML already parsed).
    pub fn check(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut p = |path, msg: String| problems.push(Problem::new(path, msg));

        if self.questionnaire.id.trim().is_empty() {
            p(path!["questionnaire", "id"], "must not be empty".into());
        }
        let ratings: Vec<Rating> = self.scale.iter().map(|l| l.rating).collect();
        if ratings != Rating::ALL {
            p(
                path!["scale"],
                "must list the four levels N, P, L, F in that order".into(),
            );
        }
        let mut previous_max = 0;
        for (i, level) in self.scale.iter().enumerate() {
            if level.min_percent != previous_max || level.max_percent <= level.min_percent {
                p(
                    path!["scale", i, "min_percent"],
                    format!(
                        "bands must follow each other from 0 to 100 %: expected {previous_max}, found {}-{}",
                        level.min_percent, level.max_percent
                    ),
                );
            }
            previous_max = level.max_percent;
        }
        if previous_max != 100 {
            p(path!["scale"], "the last band must end at 100 %".into());
        }
        if self.rule.met.is_empty() {
            p(path!["rule", "met"], "must name at least one rating".into());
        }
        // N and P are "not implemented" and "partly": they are never met, and a rating below
        // met needs a major nonconformity (see `conformance::weight_needed`).
        for (i, r) in self.rule.met.iter().enumerate() {
            if *r <= Rating::P {
                p(
                    path!["rule", "met", i],
                    format!("{r} cannot count as met: met is F (strict) or L and F"),
                );
            }
        }

        let mut seen = HashSet::new();
        for (i, c) in self.conditions.iter().enumerate() {
            if !seen.insert(c.id.as_str()) {
                p(
                    path!["condition", i, "id"],
                    format!("duplicate condition id `{}`", c.id),
                );
            }
        }
        let mut seen = HashSet::new();
        for (i, proc) in self.processes.iter().enumerate() {
            if !seen.insert(proc.id.as_str()) {
                p(
                    path!["process", i, "id"],
                    format!("duplicate process id `{}`", proc.id),
                );
            }
        }
        let mut seen = HashSet::new();
        for (i, req) in self.requirements.iter().enumerate() {
            if !ids::is_well_formed(&req.id) {
                p(
                    path!["requirement", i, "id"],
                    format!("`{}` is not a requirement id like 7.2.a", req.id),
                );
            }
            if !seen.insert(req.id.as_str()) {
                p(
                    path!["requirement", i, "id"],
                    format!("duplicate requirement id `{}`", req.id),
                );
            }
            match self.process(&req.process) {
                None => p(
                    path!["requirement", i, "process"],
                    format!("unknown process `{}`", req.process),
                ),
                Some(proc) if !req.id.starts_with(&format!("{}.", proc.clause)) => p(
                    path!["requirement", i, "id"],
                    format!(
                        "`{}` is not in clause {} of process {}",
                        req.id, proc.clause, proc.id
                    ),
                ),
                Some(_) => {}
            }
            for (field, text) in [("statement", &req.statement), ("question", &req.question)] {
                if text.trim().is_empty() {
                    p(path!["requirement", i, field], "must not be empty".into());
                }
            }
            if req.facets.is_empty() {
                p(
                    path!["requirement", i, "facets"],
                    "must list at least one facet".into(),
                );
            }
            let mut facets = HashSet::new();
            for (j, f) in req.facets.iter().enumerate() {
                if !facets.insert(f.to_lowercase()) {
                    p(
                        path!["requirement", i, "facets", j],
                        format!("duplicate facet `{f}`"),
                    );
                }
            }
            for (old, new) in &req.renamed_facets {
                if req.facets.iter().any(|f| f == old) {
                    p(
                        path!["requirement", i, "renamed_facets", old],
                        format!(
                            "`{old}` is still a facet; only a facet's former text can be renamed"
                        ),
                    );
                }
                if !req.facets.iter().any(|f| f == new) {
                    p(
                        path!["requirement", i, "renamed_facets", old],
                        format!(
                            "`{new}` is not a facet of {}; facets: {}",
                            req.id,
                            req.facets.join(", ")
                        ),
                    );
                }
            }
            for (j, r) in req.annex_a.iter().enumerate() {
                for msg in r.problems(&self.questionnaire.base_standards) {
                    p(path!["requirement", i, "annex_a", j], msg);
                }
            }
        }
        for (i, proc) in self.processes.iter().enumerate() {
            if self.requirements_of(&proc.id).next().is_none() {
                p(
                    path!["process", i],
                    format!("process {} has no requirement", proc.id),
                );
            }
        }
        problems
    }
}

impl Reference {
    fn problems(&self, base_standards: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        if !base_standards.contains(&self.standard) {
            out.push(format!(
                "standard `{}` is not one of the questionnaire's base_standards ({})",
                self.standard,
                base_standards.join(", ")
            ));
        }
        match (&self.clause, &self.remark) {
            (Some(_), Some(_)) => out.push("give either a clause or a remark, not both".into()),
            (None, None) => out.push("give a clause, or a remark where the row has none".into()),
            (Some(clause), None) if !is_clause(clause) => out.push(format!(
                "`{clause}` is not a clause number like 6.2.1.2 or 6.3.2.3.b"
            )),
            (None, Some(_)) if self.items.is_some() => out.push("a remark has no items".into()),
            _ => {}
        }
        if let Some(items) = &self.items
            && !is_item_list(items)
        {
            out.push(format!(
                "items `{items}` must be letters or numbers, single or as ranges: `b`, `a-d`, `a, c`, `7`"
            ));
        }
        out
    }
}

/// "6.2.1.2" or "6.3.2.3.b": numbers separated by dots, optionally ending in one letter.
fn is_clause(s: &str) -> bool {
    let mut parts: Vec<&str> = s.split('.').collect();
    if parts.len() > 1
        && parts
            .last()
            .is_some_and(|l| l.len() == 1 && l.chars().all(|c| c.is_ascii_lowercase()))
    {
        parts.pop();
    }
    !parts.is_empty()
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

fn is_item_list(s: &str) -> bool {
    let item = |t: &str| {
        !t.is_empty()
            && (t.chars().all(|c| c.is_ascii_digit())
                || (t.len() == 1 && t.chars().all(|c| c.is_ascii_lowercase())))
    };
    s.split(", ").all(|part| match part.split_once('-') {
        Some((a, b)) => item(a) && item(b) && a < b,
        None => item(part),
    })
}

/// Parses and checks a questionnaire; every problem is reported, located in `text`.
pub fn parse(file: &Path, text: &str) -> Result<Questionnaire, Vec<Diagnostic>> {
    let q: Questionnaire = diagnostic::from_toml_all(file, text)?;
    let problems = q.check();
    if problems.is_empty() {
        Ok(q)
    } else {
        Err(diagnostic::locate(file, text, problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_numbers() {
        assert!(is_clause("6.2.1.2"));
        assert!(is_clause("6.3.2.3.b"));
        assert!(is_clause("7.1.3"));
        assert!(!is_clause("6.2.x.2"));
        assert!(!is_clause("6..2"));
        assert!(!is_clause(""));
    }

    #[test]
    fn item_lists() {
        for ok in ["b", "a-d", "a, c", "a, b, d", "7", "4"] {
            assert!(is_item_list(ok), "{ok}");
        }
        for bad in ["", "d-a", "a,c", "ab", "B"] {
            assert!(!is_item_list(bad), "{bad}");
        }
    }
}
