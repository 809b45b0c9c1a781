//! What an audit report must state before it is signed off (ISO/IEC 17021-1 9.4.8.2-3,
//! ISO 19011 6.5.1): who asked for it, against what, by whom, when and where, for which
//! certification body, and the team's confirmations. Each missing item is named with the
//! `set` option that gives it.

use super::{Kind, Metadata, Session};

/// Whether a session's place says it was held at a distance (remote, video, online, or a
/// video-call tool's name).
pub fn is_remote(session: &Session) -> bool {
    let place = session.location.to_lowercase();
    [
        "remote", "video", "online", "on-line", "virtual", "zoom", "teams", "webex", "visio",
    ]
    .iter()
    .any(|w| place.contains(w))
}

/// Whether any session of the assessment was held at a distance.
pub fn any_remote(meta: &Metadata) -> bool {
    meta.sessions.iter().any(is_remote)
}

/// Every detail an audit still lacks for its sign-off, each with the option that sets it;
/// empty for a self-assessment (which needs only its conclusions).
pub fn missing_for_sign_off(meta: &Metadata) -> Vec<String> {
    if meta.kind != Kind::Audit {
        return Vec::new();
    }
    let mut missing = Vec::new();
    let blank = |s: &str| s.trim().is_empty();
    need(
        &mut missing,
        blank(&meta.client),
        "no client named",
        "--client NAME",
    );
    need(
        &mut missing,
        blank(&meta.scope.description),
        "no scope described",
        "--scope TEXT",
    );
    need(
        &mut missing,
        meta.scope.sites.is_empty(),
        "no site named",
        "--site NAME",
    );
    need(
        &mut missing,
        blank(&meta.objectives),
        "no objectives stated",
        "--objectives TEXT",
    );
    need(
        &mut missing,
        blank(&meta.criteria),
        "no criteria stated",
        "--criteria TEXT",
    );
    need(
        &mut missing,
        meta.stage.is_none(),
        "no audit stage stated",
        "--stage stage-1|stage-2|surveillance|recertification|special",
    );
    need(
        &mut missing,
        blank(&meta.certification_body),
        "no certification body named",
        "--certification-body NAME",
    );
    need(
        &mut missing,
        blank(&meta.report_ref),
        "no report reference",
        "--report-ref REF",
    );
    let team = &meta.team;
    need(
        &mut missing,
        team.is_empty(),
        "no audit team",
        "--assessor \"NAME:lead auditor\" --assessor NAME:ROLE",
    );
    for p in team.iter().filter(|p| blank(&p.role)) {
        missing.push(format!(
            "{} has no role in the team: `vse-assess set FILE --assessor NAME:ROLE`, repeated for every member (roles: {})",
            p.name,
            Kind::Audit.team_roles().join(", ")
        ));
    }
    let leads: Vec<&str> = team
        .iter()
        .filter(|p| p.is_lead_auditor())
        .map(|p| p.name.as_str())
        .collect();
    if !team.is_empty() && leads.is_empty() {
        missing.push(
            "no lead auditor in the team: `vse-assess set FILE --assessor \"NAME:lead auditor\"`, with the other members".into(),
        );
    }
    if leads.len() > 1 {
        missing.push(format!(
            "{} lead auditors ({}): an audit has one, give the others another role",
            leads.len(),
            leads.join(", ")
        ));
    }
    need(
        &mut missing,
        meta.sessions.is_empty(),
        "no date recorded",
        "--session DATE:LOCATION",
    );
    for s in meta.sessions.iter().filter(|s| blank(&s.location)) {
        missing.push(format!(
            "the session of {} has no location: `vse-assess set FILE --session DATE:LOCATION`, repeated for every session",
            s.date
        ));
    }
    need(
        &mut missing,
        any_remote(meta) && blank(&meta.remote_method),
        "a session was remote and the remote method is not stated",
        "--remote-method TEXT",
    );
    need(
        &mut missing,
        blank(&meta.diverging_opinions),
        "no statement on diverging opinions (\"none\" when there were none)",
        "--diverging-opinions TEXT",
    );
    need(
        &mut missing,
        meta.objectives_met.is_none(),
        "not stated whether the objectives were met",
        "--objectives-met yes|no",
    );
    need(
        &mut missing,
        meta.scope_appropriate.is_none(),
        "not stated whether the scope is appropriate",
        "--scope-appropriate yes|no",
    );
    need(
        &mut missing,
        blank(&meta.conclusions),
        "no conclusions written",
        "--conclusions TEXT",
    );
    need(
        &mut missing,
        blank(&meta.distribution),
        "no distribution stated",
        "--distribution TEXT",
    );
    need(
        &mut missing,
        blank(&meta.confidentiality),
        "no confidentiality stated",
        "--confidentiality TEXT",
    );
    missing
}

/// Says what is missing, and the option that gives it.
fn need(missing: &mut Vec<String>, absent: bool, what: &str, option: &str) {
    if absent {
        missing.push(format!("{what}: `vse-assess set FILE {option}`"));
    }
}
