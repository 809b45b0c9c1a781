//! The NPLF achievement scale and the rules built on it: the rating suggested by the facets
//! checked, and what counts as "met" for a conformance claim.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An achievement rating on the NPLF scale (ISO/IEC 33020).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Rating {
    N,
    P,
    L,
    F,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Rating::N, Rating::P, Rating::L, Rating::F];

    pub fn letter(self) -> char {
        match self {
            Rating::N => 'N',
            Rating::P => 'P',
            Rating::L => 'L',
            Rating::F => 'F',
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter())
    }
}

/// What an assessor decided for one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Judgement {
    N,
    P,
    L,
    F,
    /// Not applicable; the record then holds a justification.
    NA,
}

impl Judgement {
    pub fn rating(self) -> Option<Rating> {
        match self {
            Judgement::N => Some(Rating::N),
            Judgement::P => Some(Rating::P),
            Judgement::L => Some(Rating::L),
            Judgement::F => Some(Rating::F),
            Judgement::NA => None,
        }
    }
}

impl From<Rating> for Judgement {
    fn from(r: Rating) -> Self {
        match r {
            Rating::N => Judgement::N,
            Rating::P => Judgement::P,
            Rating::L => Judgement::L,
            Rating::F => Judgement::F,
        }
    }
}

impl fmt::Display for Judgement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rating() {
            Some(r) => write!(f, "{r}"),
            None => f.write_str("N/A"),
        }
    }
}

impl FromStr for Judgement {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "N" => Ok(Judgement::N),
            "P" => Ok(Judgement::P),
            "L" => Ok(Judgement::L),
            "F" => Ok(Judgement::F),
            "NA" | "N/A" => Ok(Judgement::NA),
            _ => Err(format!(
                "`{s}` is not a rating: expected N, P, L, F or na (not applicable)"
            )),
        }
    }
}

/// One level of the scale with its achievement band, in percent: more than `min_percent`
/// (or exactly 0 for the lowest level) up to and including `max_percent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub rating: Rating,
    pub name: String,
    pub min_percent: u8,
    pub max_percent: u8,
}

impl Level {
    /// "0-15 %" or ">15-50 %".
    pub fn band(&self) -> String {
        if self.min_percent == 0 {
            format!("0-{} %", self.max_percent)
        } else {
            format!(">{}-{} %", self.min_percent, self.max_percent)
        }
    }
}

/// The rating whose band holds the share of facets checked. A suggestion only: the assessor
/// confirms or overrides it. `None` when the requirement has no facets.
pub fn suggest(scale: &[Level], checked: usize, total: usize) -> Option<Rating> {
    if total == 0 {
        return None;
    }
    // Compare in integer hundredths to avoid float edge cases at band limits.
    let share = checked.min(total) * 100;
    scale
        .iter()
        .find(|l| share <= usize::from(l.max_percent) * total)
        .map(|l| l.rating)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nplf() -> Vec<Level> {
        [
            (Rating::N, 0, 15),
            (Rating::P, 15, 50),
            (Rating::L, 50, 85),
            (Rating::F, 85, 100),
        ]
        .into_iter()
        .map(|(rating, min_percent, max_percent)| Level {
            rating,
            name: String::new(),
            min_percent,
            max_percent,
        })
        .collect()
    }

    #[test]
    fn suggestion_follows_the_bands() {
        let s = nplf();
        assert_eq!(suggest(&s, 0, 4), Some(Rating::N));
        assert_eq!(suggest(&s, 1, 4), Some(Rating::P)); // 25 %
        assert_eq!(suggest(&s, 2, 4), Some(Rating::P)); // exactly 50 % stays P
        assert_eq!(suggest(&s, 3, 4), Some(Rating::L)); // 75 %
        assert_eq!(suggest(&s, 4, 4), Some(Rating::F));
        assert_eq!(suggest(&s, 1, 1), Some(Rating::F));
        assert_eq!(suggest(&s, 0, 1), Some(Rating::N));
        assert_eq!(suggest(&s, 0, 0), None);
    }

    #[test]
    fn bands_read_like_the_scale() {
        let s = nplf();
        assert_eq!(s[0].band(), "0-15 %");
        assert_eq!(s[2].band(), ">50-85 %");
    }

    #[test]
    fn judgements_parse_in_any_case() {
        assert_eq!("f".parse::<Judgement>(), Ok(Judgement::F));
        assert_eq!("N/A".parse::<Judgement>(), Ok(Judgement::NA));
        assert_eq!("na".parse::<Judgement>(), Ok(Judgement::NA));
        assert!("X".parse::<Judgement>().is_err());
    }
}
