//! What the `?` help says, as entries: drawn by the view, searched by `/`. The keys of the
//! screen it was opened from come first, then every other key, the ratings and the classes.

use super::app::App;
use super::keymap::{self, Context};
use crate::text::neutralize;

#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Title(String),
    Heading(String),
    /// Keys and what they do.
    Key(String, String),
    /// A paragraph set apart (dim).
    Note(String),
    Blank,
}

impl Entry {
    /// Its text, as a search reads it.
    pub fn text(&self) -> String {
        match self {
            Entry::Title(s) | Entry::Heading(s) | Entry::Note(s) => s.clone(),
            Entry::Key(keys, meaning) => format!("{keys} {meaning}"),
            Entry::Blank => String::new(),
        }
    }
}

fn keys_of(context: Context, out: &mut Vec<Entry>) {
    out.push(Entry::Heading(context.heading().into()));
    for b in keymap::BINDINGS.iter().filter(|b| b.context == context) {
        out.push(Entry::Key(b.keys_label(), b.meaning.into()));
    }
}

pub fn entries(app: &App) -> Vec<Entry> {
    let q = &app.opened.questionnaire.questionnaire;
    let here = keymap::sections_of(app.help_from);
    let mut out = vec![Entry::Title(format!(
        "Keys here: {}",
        here.first().map_or("every screen", |c| c.heading())
    ))];
    for &context in &here {
        keys_of(context, &mut out);
    }
    out.push(Entry::Blank);
    out.push(Entry::Title("Every other key".into()));
    for context in keymap::SECTIONS.into_iter().filter(|c| !here.contains(c)) {
        keys_of(context, &mut out);
    }
    out.push(Entry::Blank);
    out.push(Entry::Title("Ratings".into()));
    for level in &q.scale {
        out.push(Entry::Key(
            level.rating.letter().to_string(),
            format!(
                "{} ({} of the facets in place)",
                neutralize(&level.name),
                level.band()
            ),
        ));
    }
    out.push(Entry::Key(
        "N/A".into(),
        "not applicable to this VSE; needs a justification".into(),
    ));
    out.push(Entry::Note(
        "Facets are what a requirement asks to be in place (defined, communicated, reviewed...); the share checked suggests a rating, which you confirm with = or override.".into(),
    ));
    out.push(Entry::Blank);
    out.push(Entry::Title("Finding classes".into()));
    for class in crate::record::FindingClass::ALL {
        out.push(Entry::Key(class.key().into(), class.describe().into()));
    }
    out.push(Entry::Note(
        "A major nonconformity blocks conformance until its corrective action is verified effective; a minor one needs a corrective action plan.".into(),
    ));
    out
}
