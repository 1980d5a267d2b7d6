//! Everything that touches the network: HTTP and request signing.

pub(crate) mod http;
pub(crate) mod signing;
