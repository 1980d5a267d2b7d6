//! Test support shared by the integration tests, which include it with
//! `mod support;`.
//!
//! - [`moto`]: local STS servers built on moto, one that verifies every SigV4
//!   signature and one that checks nothing, seeded with a user, an access key
//!   and roles.
//! - [`fault`]: a scripted HTTP/1.1 server for stalls, slow bodies, dropped
//!   connections and malformed responses.

// Each test binary compiles this module and uses only part of it.
#![allow(dead_code)]

pub mod fault;
pub mod moto;
