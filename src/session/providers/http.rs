//! Blocking HTTP for the credential endpoints that are not STS: the container credentials
//! endpoint, the EC2 instance metadata service, and the IAM Identity Center (SSO) portal and
//! OIDC endpoints.
//!
//! These calls need per-request timeouts (one second for instance metadata), GET and PUT, and
//! never a proxy, so they use an agent of their own instead of the STS transport.

use std::fmt;
use std::io::Read;
use std::time::Duration;

use ureq::http;

/// Largest response body read from a credential endpoint; their JSON documents are a few
/// kilobytes.
const MAX_RESPONSE_BYTES: u64 = 256 * 1024;

/// An HTTP request to a credential endpoint.
pub(crate) struct EndpointRequest {
    pub(crate) method: http::Method,
    pub(crate) url: String,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Vec<u8>,
    /// Time allowed for connecting, sending and reading the whole response.
    pub(crate) timeout: Duration,
}

impl EndpointRequest {
    /// Creates a request with no headers and an empty body.
    pub(crate) fn new(method: http::Method, url: impl Into<String>, timeout: Duration) -> Self {
        EndpointRequest {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
            timeout,
        }
    }

    /// Adds a header.
    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Sets the body.
    pub(crate) fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }
}

/// The status and body of a response. The body may hold secrets: never log it.
pub(crate) struct EndpointResponse {
    pub(crate) status: u16,
    pub(crate) body: String,
}

/// The cause of a request to a credential endpoint getting no response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FailureKind {
    /// The connection was refused, could not be opened, or closed before a response.
    Unreachable,
    /// No complete response arrived within the timeout.
    Timeout,
    /// Anything else: a malformed URL, a TLS failure, a body over the size limit.
    Other,
}

/// A request that got no usable response.
#[derive(Debug)]
pub(crate) struct EndpointFailure {
    pub(crate) kind: FailureKind,
    pub(crate) message: String,
}

impl fmt::Display for EndpointFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The agent for credential endpoints: no proxy, no redirects, HTTP error statuses returned
/// as responses.
#[derive(Clone)]
pub(crate) struct EndpointClient {
    agent: ureq::Agent,
}

impl fmt::Debug for EndpointClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EndpointClient").finish_non_exhaustive()
    }
}

impl EndpointClient {
    pub(crate) fn new() -> EndpointClient {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .user_agent(concat!("aws-sts-blocking/", env!("CARGO_PKG_VERSION")))
            .proxy(None)
            .build();
        EndpointClient {
            agent: crate::transport::http::agent_with_config(config),
        }
    }

    /// Sends one request and reads the whole response body as text.
    pub(crate) fn send(
        &self,
        request: EndpointRequest,
    ) -> Result<EndpointResponse, EndpointFailure> {
        let url = request.url.clone();
        let mut builder = http::Request::builder()
            .method(request.method)
            .uri(&request.url);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        let http_request = builder
            .body(request.body)
            .map_err(|error| EndpointFailure {
                kind: FailureKind::Other,
                message: format!("invalid request to {url}: {error}"),
            })?;
        let http_request = self
            .agent
            .configure_request(http_request)
            .timeout_connect(Some(request.timeout))
            .timeout_global(Some(request.timeout))
            .build();

        let mut response = self
            .agent
            .run(http_request)
            .map_err(|error| failure(&url, request.timeout, error))?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(MAX_RESPONSE_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|error| read_failure(&url, request.timeout, error))?;
        if body.len() as u64 > MAX_RESPONSE_BYTES {
            return Err(EndpointFailure {
                kind: FailureKind::Other,
                message: format!(
                    "the response from {url} exceeds the limit of {MAX_RESPONSE_BYTES} bytes"
                ),
            });
        }
        let body = String::from_utf8(body).map_err(|_| EndpointFailure {
            kind: FailureKind::Other,
            message: format!("the response from {url} is not valid UTF-8"),
        })?;
        Ok(EndpointResponse { status, body })
    }
}

fn failure(url: &str, timeout: Duration, error: ureq::Error) -> EndpointFailure {
    match error {
        ureq::Error::Timeout(_) => timed_out(url, timeout),
        ureq::Error::Io(error) => read_failure(url, timeout, error),
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => EndpointFailure {
            kind: FailureKind::Unreachable,
            message: format!("could not connect to {url}: {error}"),
        },
        other => EndpointFailure {
            kind: FailureKind::Other,
            message: format!("request to {url} failed: {other}"),
        },
    }
}

fn read_failure(url: &str, timeout: Duration, error: std::io::Error) -> EndpointFailure {
    let is_timeout = matches!(
        error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<ureq::Error>()),
        Some(ureq::Error::Timeout(_))
    ) || matches!(
        error.kind(),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
    );
    if is_timeout {
        return timed_out(url, timeout);
    }
    let kind = match error.kind() {
        std::io::ErrorKind::ConnectionRefused
        | std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::ConnectionAborted
        | std::io::ErrorKind::NotConnected
        | std::io::ErrorKind::AddrNotAvailable
        | std::io::ErrorKind::UnexpectedEof => FailureKind::Unreachable,
        _ => FailureKind::Other,
    };
    EndpointFailure {
        kind,
        message: format!("request to {url} failed: {error}"),
    }
}

fn timed_out(url: &str, timeout: Duration) -> EndpointFailure {
    EndpointFailure {
        kind: FailureKind::Timeout,
        message: format!("no complete response from {url} within {timeout:?}"),
    }
}
