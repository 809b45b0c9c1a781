//! The integration tests, as one test binary: each `tests/NAME.rs` is a module here, so the
//! package is linked into one test program instead of one per file (on two cores, linking
//! some thirty programs took most of the build). Run one file's tests with
//! `cargo test --test suite NAME::`, one test with `cargo test --test suite NAME::TEST`.
//!
//! A new file goes in this list (or, when it must run in a process of its own, gets a
//! `[[test]]` of its own in Cargo.toml): `tests/architecture.rs` fails on a file that is in
//! neither, which would otherwise never run.

mod common;

mod architecture;
mod browser;
mod compare;
mod conclusion;
mod cycle;
mod files;
mod findings;
mod follow_up;
mod follow_up_report;
mod fuzz_corpus;
mod hostile;
mod interview;
mod kill_loop;
mod lifecycle;
mod output;
mod parse;
mod plain;
mod plan;
mod portfolio;
mod pty;
mod questionnaire;
mod record;
mod remote;
mod report;
mod saving;
mod shell;
mod ssh;
mod wording;
