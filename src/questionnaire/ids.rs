//! Requirement ids as people type them: `7.2.a`, `7.2a`, `7.2 a)`, `OM.a`, in any case.

use std::fmt;

use super::{Questionnaire, Requirement};

/// An id that names no requirement of the questionnaire.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct UnknownRequirement {
    pub given: String,
    pub valid: Vec<String>,
}

impl fmt::Display for UnknownRequirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown requirement `{}`; valid ids: {}",
            self.given,
            self.valid.join(", ")
        )
    }
}

/// Runs of digits and of letters, lowercased: "7.2 a)" and "7.2a" both give [7, 2, a].
fn tokens(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut last_kind = None;
    for c in s.chars() {
        let kind = if c.is_ascii_digit() {
            Some(true)
        } else if c.is_alphabetic() {
            Some(false)
        } else {
            None
        };
        match kind {
            Some(k) if last_kind == Some(k) => out
                .last_mut()
                .expect("run started")
                .extend(c.to_lowercase()),
            Some(_) => out.push(c.to_lowercase().collect()),
            None => {}
        }
        last_kind = kind;
    }
    out
}

/// A canonical id: parts separated by single dots, letters and digits only.
pub(super) fn is_well_formed(id: &str) -> bool {
    !id.is_empty()
        && id
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

impl Questionnaire {
    /// Finds the requirement a user means.
    pub fn resolve(&self, given: &str) -> Result<&Requirement, UnknownRequirement> {
        let mut wanted = tokens(given);
        // "OM.a": a process id stands for its clause.
        if let Some(first) = wanted.first()
            && let Some(p) = self
                .processes
                .iter()
                .find(|p| p.id.to_lowercase() == *first)
        {
            let mut expanded = tokens(&p.clause);
            expanded.extend(wanted.drain(1..));
            wanted = expanded;
        }
        self.requirements
            .iter()
            .find(|r| !wanted.is_empty() && tokens(&r.id) == wanted)
            .ok_or_else(|| UnknownRequirement {
                given: given.to_owned(),
                valid: self.requirements.iter().map(|r| r.id.clone()).collect(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_digits_from_letters() {
        assert_eq!(tokens("7.2 a)"), ["7", "2", "a"]);
        assert_eq!(tokens("7.2A"), ["7", "2", "a"]);
        assert_eq!(tokens("OM.a"), ["om", "a"]);
        assert_eq!(tokens("7.10.b"), ["7", "10", "b"]);
    }

    #[test]
    fn well_formed_ids() {
        assert!(is_well_formed("7.2.a"));
        assert!(!is_well_formed("7.2..a"));
        assert!(!is_well_formed("7.2 a"));
    }
}
