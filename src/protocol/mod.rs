//! The STS Query protocol: form-encoded requests, XML responses and the model's input checks.

pub(crate) mod query;
pub(crate) mod validate;
pub(crate) mod xml;
