//! The assessment record: one TOML file per assessment, holding the metadata an audit report
//! needs (ISO 19011 6.5.1), the answers to clause 6 and to every requirement, and the evidence
//! register. Maps are ordered and empty fields are left out, so a re-save never churns.

pub mod access;
mod check;
pub mod conflict;
pub mod details;
pub mod edit;
pub mod evidence;
pub mod lock;
pub mod next;
pub mod plan;
pub mod store;
mod v1;

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::questionnaire::Requirement;
use crate::questionnaire::catalog::Loaded;
use crate::rating::{Judgement, Rating};

pub use check::{check, check_date};

/// The record layout this version writes. Schema 1 records (findings and actions kept under
/// each requirement, without ids) are read and upgraded ([`v1`]); schema 2 records (one
/// verification per finding, kept as `verification`) load into `verifications`.
pub const SCHEMA: u32 = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub schema: u32,
    pub questionnaire: QuestionnaireRef,
    pub assessment: Metadata,
    /// Clause 6 minimal conditions, by condition id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub conditions: BTreeMap<String, ConditionAnswer>,
    /// Answers by requirement id; a requirement with no entry is not yet assessed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub requirements: BTreeMap<String, Answer>,
    /// Findings, each with its id, the requirement it is about, and for a nonconformity what
    /// the VSE does about it and whether that was verified.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// The evidence register. Links to requirements live here (`supports`), once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// The highest id number ever given, by prefix (`NC = 3`, `A = 5`): an id removed is
    /// never given again, so that `compare` never takes a new finding for an old one. A
    /// record without it (older ones) goes on from the highest id it holds, and learns the
    /// ids of what is removed (or renamed by a change of class) from then on.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub issued: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireRef {
    pub id: String,
    pub version: String,
    /// SHA-256 of the questionnaire's text when the record was created.
    pub sha256: String,
    /// A questionnaire file, relative to the record's folder; absent for an embedded one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The VSE assesses itself (gap analysis, internal audit).
    #[default]
    #[serde(rename = "self")]
    SelfAssessment,
    /// A third-party audit, e.g. for certification.
    #[serde(rename = "audit")]
    Audit,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::SelfAssessment => "self-assessment",
            Kind::Audit => "third-party audit",
        }
    }
}

/// Which audit of the certification cycle (ISO/IEC 17021-1 9.3, 9.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stage {
    #[serde(rename = "stage-1")]
    Stage1,
    #[serde(rename = "stage-2")]
    Stage2,
    #[serde(rename = "surveillance")]
    Surveillance,
    #[serde(rename = "recertification")]
    Recertification,
    #[serde(rename = "special")]
    Special,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Stage::Stage1,
        Stage::Stage2,
        Stage::Surveillance,
        Stage::Recertification,
        Stage::Special,
    ];

    /// The name used in the file and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            Stage::Stage1 => "stage-1",
            Stage::Stage2 => "stage-2",
            Stage::Surveillance => "surveillance",
            Stage::Recertification => "recertification",
            Stage::Special => "special",
        }
    }

    /// Any of `stage-1`, `stage 1`, `stage1`, `1` (and so on), in any case.
    pub fn parse(s: &str) -> Result<Stage, String> {
        let squeezed: String = s
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .collect();
        let bare = squeezed.strip_prefix("stage").unwrap_or(&squeezed);
        Stage::ALL
            .into_iter()
            .find(|st| {
                let key = st.key().replace('-', "");
                key == squeezed || key.strip_prefix("stage") == Some(bare)
            })
            .ok_or_else(|| {
                let names: Vec<&str> = Stage::ALL.iter().map(|s| s.key()).collect();
                format!(
                    "`{}` is not an audit stage: expected {}",
                    s.trim(),
                    names.join(", ")
                )
            })
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stage::Stage1 => "stage 1",
            Stage::Stage2 => "stage 2",
            Stage::Surveillance => "surveillance",
            Stage::Recertification => "recertification",
            Stage::Special => "special",
        })
    }
}

/// The lead auditor's role, as the team list spells it.
pub const LEAD_AUDITOR: &str = "lead auditor";

/// The roles of an audit team.
pub const AUDIT_ROLES: [&str; 5] = [
    LEAD_AUDITOR,
    "auditor",
    "technical expert",
    "observer",
    "trainee",
];

/// The roles of a self-assessment team.
pub const SELF_ROLES: [&str; 2] = ["facilitator", "assessor"];

impl Kind {
    /// The roles a member of the team may have (the VSE's participants have theirs in
    /// their own words).
    pub fn team_roles(self) -> &'static [&'static str] {
        match self {
            Kind::Audit => &AUDIT_ROLES,
            Kind::SelfAssessment => &SELF_ROLES,
        }
    }

    /// `role` in the team vocabulary of this kind, as spelt there ("Lead-Auditor" is
    /// "lead auditor"); an empty role is none yet. The error lists the roles allowed.
    pub fn team_role(self, role: &str) -> Result<String, String> {
        let words: Vec<String> = role
            .split([' ', '-', '_', '\t'])
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let spelt = words.join(" ");
        if spelt.is_empty() {
            return Ok(spelt);
        }
        match self.team_roles().iter().find(|r| **r == spelt) {
            Some(r) => Ok((*r).to_owned()),
            None => Err(format!(
                "`{}` is not a role in a {} team: the roles are {}",
                role.trim(),
                self.describe(),
                self.team_roles().join(", ")
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    Draft,
    Final,
}

impl Status {
    pub fn describe(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Final => "final",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    pub vse: String,
    pub kind: Kind,
    pub status: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub client: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub objectives: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub criteria: String,
    /// For an audit: which audit of the certification cycle it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// For an audit: the certification body the audit is made for.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub certification_body: String,
    /// For an audit: the certification body's reference for this report.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub report_ref: String,
    /// The team's confirmation that the objectives were met (`None`: not stated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objectives_met: Option<bool>,
    /// The team's confirmation that the scope is appropriate (`None`: not stated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_appropriate: Option<bool>,
    #[serde(default)]
    pub scope: Scope,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub team: Vec<Person>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<Person>,
    /// When and where the assessment took place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<Session>,
    /// Areas of the scope that were not covered, and why.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub not_covered: String,
    /// Diverging opinions between the assessment team and the auditee not resolved.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub diverging_opinions: String,
    /// How remote sessions were held (the tools used, what was seen through them).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remote_method: String,
    /// The assessment plan: what was to be looked at, when, with whom.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub audit_plan: String,
    /// The assessment team's conclusions, in its own words; needed for the sign-off.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub conclusions: String,
    /// Who receives the report.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub distribution: String,
    /// How the report and the record are to be handled (confidentiality).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub confidentiality: String,
    /// Every sign-off and reopening, oldest first. A final record's last entry is its
    /// sign-off, whose date is the report's issue date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<StatusChange>,
    /// When the VSE's corrective action plan is due, for each nonconformity without a date
    /// of its own (`plan_due` of the finding).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_due: Option<String>,
    /// The certification scheme's limits for the plan, in days after the sign-off; absent:
    /// [`PlanLimits::default`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_limits: Option<PlanLimits>,
    /// The follow-up after the sign-off, once the lead auditor has closed it: from then on
    /// the follow-up too is as reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_closed: Option<Signed>,
    /// The assessment this one follows on from (`new --from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<Previous>,
}

/// Who did something, and on what day (ISO 8601 calendar date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signed {
    pub by: String,
    pub date: String,
}

/// How long the VSE has, after the sign-off, to submit its corrective action plan, by class
/// of nonconformity (ISO/IEC 17021-1 leaves the figures to the scheme).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanLimits {
    /// Days for a major nonconformity.
    pub major: u32,
    /// Days for a minor nonconformity.
    pub minor: u32,
}

impl Default for PlanLimits {
    fn default() -> Self {
        PlanLimits {
            major: 30,
            minor: 90,
        }
    }
}

/// The assessment a record follows on from: the previous audit of the cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Previous {
    /// The previous record's file, as named when this one was made from it.
    pub file: String,
    /// SHA-256 of its text then.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sha256: String,
    /// Its sign-off date, when it was final.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_off: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
}

/// Where a finding carried over from a previous assessment comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Carried {
    /// The previous record's file.
    pub from: String,
    /// The previous assessment's sign-off date (or, for a draft, its last session).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date: String,
}

impl Metadata {
    /// The sign-off that made the record final, while it is final.
    pub fn sign_off(&self) -> Option<&StatusChange> {
        self.history
            .last()
            .filter(|c| self.status == Status::Final && c.status == Status::Final)
    }
}

/// A sign-off (to `final`) or a reopening (back to `draft`), who did it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// The status the record moved to: `final` for a sign-off, `draft` for a reopening.
    pub status: Status,
    pub by: String,
    /// ISO 8601 calendar date.
    pub date: String,
    /// Why a final record was reopened.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

impl StatusChange {
    pub fn describe(&self) -> String {
        match self.status {
            Status::Final => format!("signed off by {} on {}", self.by, self.date),
            Status::Draft => format!("reopened by {} on {}: {}", self.by, self.date, self.reason),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// Process ids assessed; all of the questionnaire's by default.
    #[serde(default)]
    pub processes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub role: String,
}

impl Person {
    /// Whether the person is the lead auditor (the role spelt in any case).
    pub fn is_lead_auditor(&self) -> bool {
        Kind::Audit
            .team_role(&self.role)
            .is_ok_and(|r| r == LEAD_AUDITOR)
    }

    /// "Name" or "Name: role", as typed on the command line or in the setup form.
    pub fn parse(s: &str) -> Person {
        let (name, role) = s.split_once(':').unwrap_or((s, ""));
        Person {
            name: name.trim().to_owned(),
            role: role.trim().to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// ISO 8601 calendar date, e.g. "2026-11-27".
    pub date: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionAnswer {
    pub met: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Evidence ids of the register the answer rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Judgement>,
    /// Why the requirement is not applicable; required with rating "NA".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub justification: String,
    /// Facets (of the questionnaire's list) found in place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub facets: Vec<String>,
    /// Notes for the report: printed with the requirement.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// The assessor's private working notes (names of people not taking part, asides): kept
    /// in the record under the key `working_notes`, and never rendered or exported. No
    /// report, status, comparison or CSV prints them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub working_notes: String,
    /// Who was interviewed for this requirement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interviewed: Vec<String>,
    /// What was sampled: projects, period, records seen, how many of how many.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sampling: String,
}

impl Answer {
    pub fn is_empty(&self) -> bool {
        *self == Answer::default()
    }

    /// Sets the judgement; only N/A keeps a justification.
    pub(in crate::record) fn set_rating(&mut self, rating: Option<Judgement>) {
        self.rating = rating;
        if rating != Some(Judgement::NA) {
            self.justification.clear();
        }
    }

    /// Checks or unchecks one of the requirement's facets, keeping the questionnaire's order.
    pub(in crate::record) fn set_facet(&mut self, req: &Requirement, facet: &str, checked: bool) {
        self.facets.retain(|f| f != facet);
        if checked {
            self.facets.push(facet.to_owned());
        }
        self.facets
            .sort_by_key(|f| req.facets.iter().position(|x| x == f));
    }

    pub fn has_facet(&self, facet: &str) -> bool {
        self.facets.iter().any(|f| f == facet)
    }

    /// The rating the facets checked suggest (see [`crate::rating::suggest`]).
    pub fn suggested(&self, req: &Requirement, scale: &[crate::rating::Level]) -> Option<Rating> {
        let checked = req.facets.iter().filter(|f| self.has_facet(f)).count();
        crate::rating::suggest(scale, checked, req.facets.len())
    }
}

/// Finding classes as certification bodies record them (ISO/IEC 17021-1 plus the usual
/// non-binding ones).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum FindingClass {
    Major,
    #[default]
    Minor,
    Observation,
    Improvement,
    GoodPractice,
}

impl FindingClass {
    pub const ALL: [FindingClass; 5] = [
        FindingClass::Major,
        FindingClass::Minor,
        FindingClass::Observation,
        FindingClass::Improvement,
        FindingClass::GoodPractice,
    ];

    /// The name used in the file and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            FindingClass::Major => "major",
            FindingClass::Minor => "minor",
            FindingClass::Observation => "observation",
            FindingClass::Improvement => "improvement",
            FindingClass::GoodPractice => "good-practice",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            FindingClass::Major => "major nonconformity",
            FindingClass::Minor => "minor nonconformity",
            FindingClass::Observation => "observation",
            FindingClass::Improvement => "opportunity for improvement",
            FindingClass::GoodPractice => "good practice",
        }
    }

    /// How the ids of findings of this class start: `NC-1`, `OBS-1`, `OFI-1`, `GP-1`.
    pub fn id_prefix(self) -> &'static str {
        match self {
            FindingClass::Major | FindingClass::Minor => "NC",
            FindingClass::Observation => "OBS",
            FindingClass::Improvement => "OFI",
            FindingClass::GoodPractice => "GP",
        }
    }

    pub fn is_nonconformity(self) -> bool {
        matches!(self, FindingClass::Major | FindingClass::Minor)
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim().to_lowercase().replace(['_', ' '], "-");
        FindingClass::ALL
            .into_iter()
            .find(|c| c.key() == s || (s == "ofi" && *c == FindingClass::Improvement))
            .ok_or_else(|| {
                let names: Vec<&str> = FindingClass::ALL.iter().map(|c| c.key()).collect();
                format!(
                    "`{s}` is not a finding class: expected {}",
                    names.join(", ")
                )
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// `NC-1`, `OBS-2`, `OFI-3`, `GP-1`: stable while the record lives.
    pub id: String,
    /// The requirement it is about.
    pub requirement: String,
    /// Other requirements it is raised under (the same root cause under 7.2.g and 7.5.e),
    /// canonical ids as `requirement` is: it counts on each of them as on its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    pub class: FindingClass,
    pub text: String,
    /// Evidence ids of the register the finding rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// Who was interviewed for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interviewed: Vec<String>,
    /// Other findings of the record it points at ("see NC-2"), by id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub see: Vec<String>,
    /// The date it was raised: one of the sessions' dates. Absent in records from before
    /// it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raised: Option<String>,
    /// The VSE's acceptance of the finding: its representative, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vse_accepted: Option<Signed>,
    /// For a nonconformity: when the VSE's corrective action plan for it is due (absent:
    /// the assessment's `plan_due`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_due: Option<String>,
    /// Carried over from a previous assessment, not raised in this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried: Option<Carried>,
    /// For a nonconformity: what was done at once to put the situation right.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub correction: String,
    /// For a nonconformity: why it happened.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub root_cause: String,
    /// Corrective actions (or, for other findings, follow-up actions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    /// The assessment team's verifications of the corrective actions, oldest first: a
    /// history, never overwritten. The last one says where the finding stands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verifications: Vec<Verification>,
    /// Schema 2's single verification, read only to be moved into `verifications` when the
    /// record loads; never written.
    #[doc(hidden)]
    #[serde(default, rename = "verification", skip_serializing)]
    pub schema2_verification: Option<Verification>,
    /// Made when a schema 1 record was upgraded, to hold the actions its requirement had
    /// (schema 1 kept actions per requirement, not per finding).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub holds_upgraded_actions: bool,
}

/// Where a finding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingState {
    /// An observation, an opportunity for improvement or a good practice: nothing to close.
    Recorded,
    /// A nonconformity with no corrective action planned yet, or one still open.
    Open,
    /// Every corrective action closed, the effectiveness not yet verified.
    AwaitingVerification,
    /// Verified, and found not effective: open again.
    NotEffective,
    /// Verified effective by the assessment team: closed.
    Closed,
}

impl FindingState {
    pub fn describe(self) -> &'static str {
        match self {
            FindingState::Recorded => "recorded",
            FindingState::Open => "open",
            FindingState::AwaitingVerification => "actions closed, to verify",
            FindingState::NotEffective => "not effective",
            FindingState::Closed => "closed (verified)",
        }
    }
}

impl Finding {
    /// The requirements it cites: the one it is about, then those it is also raised under.
    pub fn requirements(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.requirement.as_str()).chain(self.also.iter().map(String::as_str))
    }

    /// Whether it cites requirement `id` (as its own or as one it is also raised under).
    pub fn cites(&self, id: &str) -> bool {
        self.requirements().any(|r| r == id)
    }

    /// A nonconformity is closed only once the assessment team has verified its corrective
    /// action effective: the VSE closing its own actions is not enough.
    pub fn state(&self) -> FindingState {
        if !self.class.is_nonconformity() {
            return FindingState::Recorded;
        }
        // An action opened again (or added) after the verification: open again, whatever
        // was verified before.
        if self.actions.iter().any(|a| a.status == ActionStatus::Open) {
            return FindingState::Open;
        }
        match self.verification() {
            // An action the verification did not see (added, or reopened, after it): the
            // team has to look again.
            Some(v) if !self.actions.iter().all(|a| v.covered(&a.id)) => {
                FindingState::AwaitingVerification
            }
            Some(v) if v.effective => FindingState::Closed,
            Some(_) => FindingState::NotEffective,
            None if !self.actions.is_empty()
                && self
                    .actions
                    .iter()
                    .all(|a| a.status == ActionStatus::Closed) =>
            {
                FindingState::AwaitingVerification
            }
            None => FindingState::Open,
        }
    }

    /// The latest verification, which says where the finding stands.
    pub fn verification(&self) -> Option<&Verification> {
        self.verifications.last()
    }

    /// A nonconformity not yet verified closed.
    pub fn is_open(&self) -> bool {
        !matches!(self.state(), FindingState::Recorded | FindingState::Closed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    /// Who verified (a member of the assessment team).
    pub by: String,
    /// ISO 8601 calendar date.
    pub date: String,
    pub effective: bool,
    /// What was seen: records of the actions done and working, not plans.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Evidence ids of the register the verification rests on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// The root cause the verified actions answered, as the finding stated it then (set by
    /// [`edit::verify`]): after a verification found them not effective, the next one needs
    /// another root cause.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub root_cause: String,
    /// Made after the sign-off, as follow-up: the report of the audit as found leaves it
    /// out. Set by [`edit::verify`].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub follow_up: bool,
    /// The actions it covers: those the finding had when it was made ([`edit::verify`]
    /// sets it), less any reopened since. An action added or reopened later needs a new
    /// verification. Absent in records made before it was kept: it then covers the actions
    /// the finding has (when the record was loaded), and is written out at the first change
    /// of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covers: Option<Vec<String>>,
}

impl Verification {
    /// Whether the verification covers action `id`.
    pub fn covered(&self, id: &str) -> bool {
        self.covers
            .as_ref()
            .is_none_or(|c| c.iter().any(|x| x.eq_ignore_ascii_case(id)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    #[default]
    Open,
    Closed,
}

impl ActionStatus {
    pub fn describe(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::Closed => "closed",
        }
    }
}

/// What an action does about its nonconformity (ISO/IEC 17021-1 9.4.9): put the instance
/// right, or remove the cause so that it does not recur.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    Correction,
    #[default]
    Corrective,
}

impl ActionKind {
    pub fn key(self) -> &'static str {
        match self {
            ActionKind::Correction => "correction",
            ActionKind::Corrective => "corrective",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            ActionKind::Correction => "correction",
            ActionKind::Corrective => "corrective action",
        }
    }
}

fn is_default<T: Default + PartialEq>(t: &T) -> bool {
    *t == T::default()
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// `A-1`, `A-2`...: unique in the record.
    pub id: String,
    pub what: String,
    #[serde(default, skip_serializing_if = "is_default")]
    pub kind: ActionKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
    /// ISO 8601 calendar date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    #[serde(default)]
    pub status: ActionStatus,
    /// Who proposed it (the VSE), and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Signed>,
    /// Who of the assessment team accepted it, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Signed>,
    /// When it was done (set when it is closed; absent in records from before it was kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<String>,
    /// Evidence ids of the register that show it done.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    Document,
    Record,
    Interview,
    Observation,
    Url,
}

fn yes() -> bool {
    true
}

fn is_yes(b: &bool) -> bool {
    *b
}

impl Evidence {
    /// Whether its location should be a readable file here: a document or a record (not
    /// an interview, an observation or a URL), at a location that is not a URL
    /// (`scheme://`) and not marked as not a file (`file = false`).
    pub fn is_file(&self) -> bool {
        self.file
            && matches!(self.kind, EvidenceKind::Document | EvidenceKind::Record)
            && !self.location.trim().is_empty()
            && !self.location.contains("://")
    }
}

impl EvidenceKind {
    pub fn key(self) -> &'static str {
        match self {
            EvidenceKind::Document => "document",
            EvidenceKind::Record => "record",
            EvidenceKind::Interview => "interview",
            EvidenceKind::Observation => "observation",
            EvidenceKind::Url => "url",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub id: String,
    pub title: String,
    pub kind: EvidenceKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub location: String,
    /// False: the location is not a file on this machine (a paper document, a file in
    /// someone's drive), so `verify` does not look for one there. Written only when false.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub file: bool,
    /// A version label or a date.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// Of the file at `location`, when it was a readable local file when registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Requirement ids this item supports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supports: Vec<String>,
    /// Copied from a previous assessment's register (its file): to be checked again.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub carried_from: String,
    /// Registered after the sign-off, for the follow-up (what shows an action done or
    /// working): the report of the audit as found leaves it out. Set by
    /// [`edit::add_evidence`]; such an item supports no requirement.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub follow_up: bool,
}

impl Record {
    /// Schema 2 kept one verification per finding: it becomes the first of its list.
    fn upgrade_schema2(&mut self) {
        for f in &mut self.findings {
            if let Some(v) = f.schema2_verification.take() {
                f.verifications.insert(0, v);
            }
        }
    }

    /// A fresh draft record for a questionnaire, every process in scope.
    pub fn new(loaded: &Loaded, vse: &str, kind: Kind) -> Record {
        let q = &loaded.questionnaire;
        let ident = &q.questionnaire;
        Record {
            schema: SCHEMA,
            questionnaire: QuestionnaireRef {
                id: ident.id.clone(),
                version: ident.version.clone(),
                sha256: loaded.sha256.clone(),
                path: None,
            },
            assessment: Metadata {
                vse: vse.to_owned(),
                kind,
                criteria: format!(
                    "{}:{} {} (questionnaire {} {})",
                    ident.standard, ident.edition, ident.title, ident.id, ident.version
                ),
                scope: Scope {
                    processes: q.processes.iter().map(|p| p.id.clone()).collect(),
                    ..Scope::default()
                },
                ..Metadata::default()
            },
            conditions: BTreeMap::new(),
            requirements: BTreeMap::new(),
            findings: Vec::new(),
            evidence: Vec::new(),
            issued: BTreeMap::new(),
        }
    }

    /// The same new record, its questionnaire read from a file (relative to the record's
    /// folder).
    pub fn with_questionnaire_path(mut self, path: String) -> Record {
        self.questionnaire.path = Some(path);
        self
    }

    pub fn answer(&self, id: &str) -> Option<&Answer> {
        self.requirements.get(id)
    }

    /// The answer for `id`, created empty if needed.
    pub(in crate::record) fn answer_mut(&mut self, id: &str) -> &mut Answer {
        self.requirements.entry(id.to_owned()).or_default()
    }

    /// Drops answers that hold nothing, so "not assessed" has one spelling in the file. Not
    /// a change (what the record says is the same), so any writer of the file may call it.
    pub fn tidy(&mut self) {
        self.requirements.retain(|_, a| !a.is_empty());
    }

    /// The evidence items that support a requirement, in register order.
    pub fn evidence_for<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Evidence> {
        self.evidence
            .iter()
            .filter(move |e| e.supports.iter().any(|s| s == id))
    }

    /// The findings about a requirement, in record order: those raised under it, as their
    /// own requirement or as one they are also raised under.
    pub fn findings_for<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Finding> {
        self.findings.iter().filter(move |f| f.cites(id))
    }

    pub fn finding(&self, id: &str) -> Option<&Finding> {
        self.findings.iter().find(|f| f.id.eq_ignore_ascii_case(id))
    }

    pub(in crate::record) fn finding_mut(&mut self, id: &str) -> Option<&mut Finding> {
        self.findings
            .iter_mut()
            .find(|f| f.id.eq_ignore_ascii_case(id))
    }

    /// An action and the finding it belongs to.
    pub fn action(&self, id: &str) -> Option<(&Finding, &Action)> {
        self.findings.iter().find_map(|f| {
            f.actions
                .iter()
                .find(|a| a.id.eq_ignore_ascii_case(id))
                .map(|a| (f, a))
        })
    }

    /// The id a new finding of `class` gets: one past the highest of its prefix ever given,
    /// so that an id is never given to two findings, even one after the other. Record it
    /// with [`Record::issue`] once it is given.
    pub fn next_finding_id(&self, class: FindingClass) -> String {
        let prefix = class.id_prefix();
        let held = self
            .findings
            .iter()
            .filter_map(|f| number_after(&f.id, prefix));
        self.next_id(prefix, held)
    }

    /// As [`Record::next_finding_id`], for actions.
    pub fn next_action_id(&self) -> String {
        let held = self
            .findings
            .iter()
            .flat_map(|f| &f.actions)
            .filter_map(|a| number_after(&a.id, "A"));
        self.next_id("A", held)
    }

    fn next_id(&self, prefix: &str, held: impl Iterator<Item = u64>) -> String {
        let given = self.issued.get(prefix).copied();
        let n = held.chain(given).max().unwrap_or(0);
        format!("{prefix}-{}", n.saturating_add(1))
    }

    /// Remembers that `id` (`NC-3`) was given, so that it is never given again.
    pub(in crate::record) fn issue(&mut self, id: &str) {
        let Some((prefix, n)) = id.rsplit_once('-') else {
            return;
        };
        let Ok(n) = n.parse::<u64>() else {
            return;
        };
        let last = self.issued.entry(prefix.to_owned()).or_default();
        *last = (*last).max(n);
    }

    /// The id to propose for a new evidence item: `E` and one past the highest number of
    /// the register's `E<n>` ids (`E1` for the first). Only proposed: any free id will do.
    pub fn next_evidence_id(&self) -> String {
        let highest = self
            .evidence
            .iter()
            .filter_map(|e| e.id.strip_prefix('E')?.parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        format!("E{}", highest.saturating_add(1))
    }

    pub fn evidence_item(&self, id: &str) -> Option<&Evidence> {
        self.evidence.iter().find(|e| e.id == id)
    }

    pub(in crate::record) fn evidence_item_mut(&mut self, id: &str) -> Option<&mut Evidence> {
        self.evidence.iter_mut().find(|e| e.id == id)
    }

    /// Links or unlinks an evidence item and a requirement; false if there is no such item.
    pub(in crate::record) fn set_link(
        &mut self,
        evidence: &str,
        requirement: &str,
        linked: bool,
    ) -> bool {
        let Some(item) = self.evidence_item_mut(evidence) else {
            return false;
        };
        item.supports.retain(|s| s != requirement);
        if linked {
            item.supports.push(requirement.to_owned());
        }
        true
    }
}

/// What refers to what in a record, indexed for reading it whole (a report, the conformance
/// evaluation): evidence and findings by requirement, register positions by id. Each index is
/// built the first time it is asked for, so that whoever needs only the findings does not
/// pay for a register of tens of thousands of items. It borrows the record, so the record
/// cannot change while it is in use.
pub struct Lookup<'r> {
    record: &'r Record,
    evidence: OnceCell<HashMap<&'r str, Vec<&'r Evidence>>>,
    findings: OnceCell<HashMap<&'r str, Vec<&'r Finding>>>,
    positions: OnceCell<HashMap<&'r str, usize>>,
}

impl Record {
    pub fn lookup(&self) -> Lookup<'_> {
        Lookup {
            record: self,
            evidence: OnceCell::new(),
            findings: OnceCell::new(),
            positions: OnceCell::new(),
        }
    }
}

impl<'r> Lookup<'r> {
    /// The record looked into.
    pub fn record(&self) -> &'r Record {
        self.record
    }

    /// As [`Record::evidence_for`]: in register order.
    pub fn evidence_for(&self, requirement: &str) -> &[&'r Evidence] {
        let by_requirement = self.evidence.get_or_init(|| {
            let mut by_requirement: HashMap<&str, Vec<&Evidence>> = HashMap::new();
            for e in &self.record.evidence {
                for s in &e.supports {
                    let items = by_requirement.entry(s.as_str()).or_default();
                    // An item listing a requirement twice supports it once.
                    if !items.last().is_some_and(|last| std::ptr::eq(*last, e)) {
                        items.push(e);
                    }
                }
            }
            by_requirement
        });
        by_requirement.get(requirement).map_or(&[], Vec::as_slice)
    }

    /// As [`Record::findings_for`]: in record order, those also raised under it included.
    pub fn findings_for(&self, requirement: &str) -> &[&'r Finding] {
        let by_requirement = self.findings.get_or_init(|| {
            let mut by_requirement: HashMap<&str, Vec<&Finding>> = HashMap::new();
            for f in &self.record.findings {
                for r in f.requirements() {
                    let listed = by_requirement.entry(r).or_default();
                    // A finding citing a requirement twice is listed once.
                    if !listed.last().is_some_and(|last| std::ptr::eq(*last, f)) {
                        listed.push(f);
                    }
                }
            }
            by_requirement
        });
        by_requirement.get(requirement).map_or(&[], Vec::as_slice)
    }

    /// Where an evidence item is in the register.
    pub fn evidence_position(&self, id: &str) -> Option<usize> {
        let positions = self.positions.get_or_init(|| {
            let mut positions = HashMap::with_capacity(self.record.evidence.len());
            for (i, e) in self.record.evidence.iter().enumerate() {
                positions.entry(e.id.as_str()).or_insert(i);
            }
            positions
        });
        positions.get(id).copied()
    }
}

/// 3 for `NC-3` after `NC`.
fn number_after(id: &str, prefix: &str) -> Option<u64> {
    id.strip_prefix(prefix)?.strip_prefix('-')?.parse().ok()
}
