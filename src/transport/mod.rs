//! Everything that touches the network: HTTP, request signing, retries and clock-skew
//! correction.

pub(crate) mod clock_skew;
pub(crate) mod http;
pub(crate) mod rate_limit;
pub(crate) mod retry;
pub(crate) mod signing;
