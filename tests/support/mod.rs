//! Test support shared by the integration tests, which include it with
//! `mod support;`.
//!
//! - [`moto`]: local STS servers built on moto, one that verifies every SigV4
//!   signature and one that checks nothing, seeded with a user, an access key
//!   and roles.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

pub mod moto;
