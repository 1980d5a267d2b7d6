//! Credential providers: each reads one source and returns credentials or nothing.

pub(crate) mod environment;
