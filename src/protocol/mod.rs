//! The STS Query protocol: form-encoded requests, XML responses and the model's input checks,
//! and the percent-encoding that URLs and signatures share.

pub(crate) mod percent;
pub(crate) mod query;
pub(crate) mod validate;
pub(crate) mod xml;
