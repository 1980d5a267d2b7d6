//! The AWS shared config and credentials files (`~/.aws/config` and
//! `~/.aws/credentials`): how they parse and how their profiles merge.
//!
//! The rules follow the profile parser conformance suite of
//! smithy-lang/smithy-rs, copied to `fixtures/shared-config`. Its cases
//! run in the tests of `set.rs`.

// The session code that calls this module is not written yet.
#![allow(dead_code, unused_imports)]

mod parser;
mod section;
mod set;

pub(crate) use parser::{FileKind, ProfileParseError};
pub(crate) use section::Section;
pub(crate) use set::ProfileSet;
