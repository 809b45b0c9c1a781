//! What day it is, read once at the edge (the command line, the interview) and passed to
//! the rules that need it: the domain never reads the clock itself.

use jiff::civil::Date;

/// A fixed "today" for tests and demonstrations (`VSE_ASSESS_TODAY=2026-11-30`): a test that
/// signs off on a date stays true whatever day it runs.
pub const TODAY_VAR: &str = "VSE_ASSESS_TODAY";

/// Today's date where the program runs, or the one `VSE_ASSESS_TODAY` gives.
pub fn today() -> Date {
    std::env::var(TODAY_VAR)
        .ok()
        .and_then(|d| d.trim().parse().ok())
        .unwrap_or_else(|| jiff::ZonedDateTime::now().date())
}
