//! A blocking AWS STS client.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod session;
