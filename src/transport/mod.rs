//! Everything that touches the network: HTTP, request signing, retries, clock-skew
//! correction, proxies and TLS roots.

pub(crate) mod clock_skew;
pub(crate) mod http;
pub(crate) mod proxy;
pub(crate) mod rate_limit;
pub(crate) mod retry;
pub(crate) mod signing;
pub(crate) mod tls;
