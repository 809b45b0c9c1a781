//! Everything a user can do, as data. Keys become actions in [`super::keymap`]; the state
//! changes only in [`super::app::App::update`], so a whole interview can be driven in tests
//! without a terminal.

use ratatui_textarea::Input;

use crate::rating::Rating;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    // Anywhere.
    Quit,
    Save,
    /// Esc: close the popup, leave the editor, or go back one screen.
    Back,
    Help,
    ShowSummary,
    ShowEvidence,
    ShowSetup,
    /// The follow-up view: nonconformities, their actions and verifications.
    ShowFollowUp,
    /// `:`: the command menu (the command line's commands inside the interview).
    CommandMenu,
    /// Leave the setup form for the questions.
    StartInterview,
    /// The recent messages in full, newest first.
    ShowMessages,

    // Searching (`/`) the question list, the evidence register or the help.
    /// Open the search prompt.
    Search,
    /// After a search: the next match, the previous one.
    SearchNext,
    SearchPrev,

    // Moving around.
    Next,
    Prev,
    First,
    Last,
    Up,
    Down,
    /// Enter on a list: edit the field, jump to the requirement...
    Open,
    ToggleOnlyOpen,
    JumpTo,
    /// Move focus between the question and its lists (findings, actions, interviewed).
    FocusNext,

    // The requirement on screen.
    Rate(Rating),
    NotApplicable,
    ClearRating,
    AcceptSuggestion,
    /// Every facet of the requirement on screen checked: the quick path of a requirement
    /// found fully in place.
    CheckAllFacets,
    ToggleFacet(usize),
    EditNotes,
    /// The working notes of the requirement on screen: never in any report.
    EditWorkingNotes,
    AddFinding,
    AddAction,
    AddInterviewee,
    /// What was sampled for the requirement on screen.
    EditSampling,
    PickEvidence,
    ShowGuidance,
    /// Space on a list item: toggle (action open/closed, evidence link, condition yes/no).
    Toggle,
    Delete,
    /// Answer to a yes/no prompt, or to a clause 6 condition on the setup form.
    Yes,
    No,

    /// Ctrl+Z: back to the shell until `fg`.
    Suspend,
    /// Read the file again (read-only view).
    Reload,
    /// Put back the record as it was before the last change of the session (`z`).
    Undo,
    /// Make again the change the last undo undid (Ctrl+R).
    Redo,
    /// A key that does nothing where it was pressed, as the help names it.
    Unbound(String),

    // The follow-up view.
    /// The assessment team accepts the selected action.
    AcceptAction,
    /// Verify the selected nonconformity's actions (effective or not).
    Verify,

    // Evidence register.
    AddEvidence,

    // Inside an editor.
    Input(Input),
    Paste(String),
    NextField,
    PrevField,
    Confirm,
}

impl Action {
    /// Whether the action is there to change the record: a view that changes nothing does
    /// not offer it.
    pub fn changes_record(&self) -> bool {
        matches!(
            self,
            Action::Save
                | Action::Rate(_)
                | Action::NotApplicable
                | Action::ClearRating
                | Action::AcceptSuggestion
                | Action::CheckAllFacets
                | Action::ToggleFacet(_)
                | Action::EditNotes
                | Action::EditWorkingNotes
                | Action::AddFinding
                | Action::AddAction
                | Action::AddInterviewee
                | Action::EditSampling
                | Action::PickEvidence
                | Action::Toggle
                | Action::Delete
                | Action::Undo
                | Action::Redo
                | Action::AcceptAction
                | Action::Verify
                | Action::AddEvidence
        )
    }
}
