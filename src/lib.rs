//! A blocking AWS STS client.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[allow(dead_code)] // Nothing calls `endpoint::resolve` yet.
mod endpoint;
