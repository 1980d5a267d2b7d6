//! The one place that calls `ureq`: agent configuration, sending a request and reading the
//! response within a size limit.

use std::fmt;
use std::io::Read;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::tls::{RootCerts, TlsConfig};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use super::proxy::{ProxySettings, Route};
use crate::Error;

/// Default time allowed to open a connection, the same as the AWS SDK for Rust uses.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3_100);
/// Default time allowed for one attempt: connecting, sending and reading the whole response.
pub(crate) const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);
/// Size of the agent's read and write buffers, and the largest response header accepted.
const IO_BUFFER_BYTES: usize = 16 * 1024;
/// Largest response body read; STS documents are a few kilobytes.
pub(crate) const MAX_RESPONSE_BYTES: u64 = 1024 * 1024;

/// An HTTP request ready to send: always a POST. Its `Debug` shows the URL, the header names
/// and the body length, because header values and the body can hold secrets.
#[derive(Clone)]
pub(crate) struct HttpRequest {
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// The parts of an HTTP response that the crate uses. Its `Debug` shows the body length only,
/// because a body can hold credentials.
#[derive(Clone)]
pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    /// The `x-amzn-RequestId` header.
    pub(crate) request_id: Option<String>,
    /// The `Date` header, unparsed.
    pub(crate) date: Option<String>,
    /// The `x-amz-retry-after` header, unparsed.
    pub(crate) retry_after: Option<String>,
    pub(crate) body: Vec<u8>,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("HttpRequest")
            .field("url", &self.url)
            .field("header_names", &header_names)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("date", &self.date)
            .field("retry_after", &self.retry_after)
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// Settings of the HTTP agents.
#[derive(Debug, Clone)]
pub(crate) struct TransportSettings {
    pub(crate) connect_timeout: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) proxies: ProxySettings,
    /// The roots that server certificates are verified against; `None` means the webpki roots
    /// (Mozilla's list, compiled in).
    pub(crate) root_certs: Option<RootCerts>,
}

impl Default for TransportSettings {
    fn default() -> TransportSettings {
        TransportSettings {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            proxies: ProxySettings::default(),
            root_certs: None,
        }
    }
}

/// The `ureq` agents of a session, shared by every client of it so connections are reused.
/// There is one for direct connections and one for each configured proxy, because a ureq agent
/// has a single proxy setting while the proxy depends on the endpoint's scheme and host.
#[derive(Clone)]
pub(crate) struct Transport {
    direct: ureq::Agent,
    via_http_proxy: Option<ureq::Agent>,
    via_https_proxy: Option<ureq::Agent>,
    settings: TransportSettings,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// Creates the agents: HTTP error statuses are returned as responses so the STS error
    /// document can be read, redirects are never followed, both timeouts are set, and only
    /// the proxy this crate chose is used.
    pub(crate) fn new(settings: TransportSettings) -> Transport {
        let direct = new_agent(&settings, None);
        let via_http_proxy = settings
            .proxies
            .http
            .as_ref()
            .map(|server| new_agent(&settings, Some(server.proxy.clone())));
        let via_https_proxy = settings
            .proxies
            .https
            .as_ref()
            .map(|server| new_agent(&settings, Some(server.proxy.clone())));
        for (variable, server) in [
            ("HTTP_PROXY", &settings.proxies.http),
            ("HTTPS_PROXY", &settings.proxies.https),
        ] {
            if let Some(server) = server {
                log::debug!("{variable}: using the proxy {server}");
            }
        }
        Transport {
            direct,
            via_http_proxy,
            via_https_proxy,
            settings,
        }
    }

    fn agent_for(&self, url: &str) -> &ureq::Agent {
        let proxied = match self.settings.proxies.route(url) {
            Route::Direct => None,
            Route::HttpProxy => self.via_http_proxy.as_ref(),
            Route::HttpsProxy => self.via_https_proxy.as_ref(),
        };
        proxied.unwrap_or(&self.direct)
    }

    /// Sends one POST and reads the whole response.
    pub(crate) fn send(&self, request: &HttpRequest) -> Result<HttpResponse, Error> {
        let mut builder = self.agent_for(&request.url).post(&request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let mut response = builder
            .send(&request.body[..])
            .map_err(|error| self.send_error(&request.url, error))?;

        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_string)
        };
        let request_id = header("x-amzn-requestid").or_else(|| header("x-amz-request-id"));
        let date = header("date");
        let retry_after = header("x-amz-retry-after");

        // Reading into a buffer of the announced length avoids regrowing it.
        let announced = response.body().content_length().unwrap_or(0);
        let mut body = Vec::with_capacity(announced.min(MAX_RESPONSE_BYTES) as usize + 1);
        response
            .body_mut()
            .as_reader()
            .take(MAX_RESPONSE_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|error| self.read_error(&request.url, error))?;
        if body.len() as u64 > MAX_RESPONSE_BYTES {
            return Err(Error::invalid_response(
                status,
                format!("the response body exceeds the limit of {MAX_RESPONSE_BYTES} bytes"),
                request_id,
            ));
        }
        Ok(HttpResponse {
            status,
            request_id,
            date,
            retry_after,
            body,
        })
    }

    fn send_error(&self, url: &str, error: ureq::Error) -> Error {
        match error {
            ureq::Error::Timeout(timeout) => self.timeout_error(url, timeout),
            ureq::Error::Io(error) => self.read_error(url, error),
            other => Error::Transport {
                endpoint: url.to_string(),
                message: other.to_string(),
                attempts: 1,
            },
        }
    }

    fn read_error(&self, url: &str, error: std::io::Error) -> Error {
        if let Some(ureq::Error::Timeout(timeout)) = error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<ureq::Error>())
        {
            return self.timeout_error(url, *timeout);
        }
        if matches!(
            error.kind(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
        ) {
            return Error::Timeout {
                endpoint: url.to_string(),
                message: format!(
                    "no response within the attempt timeout of {:?}",
                    self.settings.attempt_timeout
                ),
                attempts: 1,
            };
        }
        Error::Transport {
            endpoint: url.to_string(),
            message: error.to_string(),
            attempts: 1,
        }
    }

    fn timeout_error(&self, url: &str, timeout: ureq::Timeout) -> Error {
        let message = match timeout {
            ureq::Timeout::Connect => format!(
                "no connection within the connect timeout of {:?}",
                self.settings.connect_timeout
            ),
            _ => format!(
                "no complete response within the attempt timeout of {:?}",
                self.settings.attempt_timeout
            ),
        };
        Error::Timeout {
            endpoint: url.to_string(),
            message,
            attempts: 1,
        }
    }
}

/// Builds one agent with the session's timeouts and roots and the given proxy.
fn new_agent(settings: &TransportSettings, proxy: Option<ureq::Proxy>) -> ureq::Agent {
    let mut tls = TlsConfig::builder();
    if let Some(roots) = &settings.root_certs {
        tls = tls.root_certs(roots.clone());
    }
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_connect(Some(settings.connect_timeout))
        .timeout_global(Some(settings.attempt_timeout))
        .user_agent(concat!("aws-sts-blocking/", env!("CARGO_PKG_VERSION")))
        .accept("")
        // STS responses are a few kilobytes with small headers. ureq's 128 KiB default
        // buffers are zeroed for every new connection, which cost more than the rest of a
        // call, as measured with callgrind in BENCHMARKS.md.
        .input_buffer_size(IO_BUFFER_BYTES)
        .output_buffer_size(IO_BUFFER_BYTES)
        .max_response_header_size(IO_BUFFER_BYTES)
        .proxy(proxy)
        .tls_config(tls.build())
        .build();
    agent_with_config(config)
}

/// Builds an agent with ureq's default connector and [`IpLiteralResolver`].
pub(crate) fn agent_with_config(config: Config) -> ureq::Agent {
    ureq::Agent::with_parts(
        config,
        DefaultConnector::new(),
        IpLiteralResolver::default(),
    )
}

/// ureq's default resolver, except that a host written as an IP address is returned as is.
/// With a timeout set, ureq's resolver starts a thread for every request, even for an IP
/// address and even when a kept-alive connection is then reused. Skipping it saves a thread
/// per call to local endpoints and to the container and instance metadata services.
///
/// NOTE: ureq's `unversioned` module, which `Resolver` and `DefaultConnector` come from, may
/// change in a minor ureq release, and such a release would break this crate's build until
/// it is adapted.
#[derive(Debug, Default)]
struct IpLiteralResolver {
    default: DefaultResolver,
}

impl Resolver for IpLiteralResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        match ip_literal_address(uri) {
            Some(address) => {
                let mut addresses = self.empty();
                addresses.push(address);
                Ok(addresses)
            }
            None => self.default.resolve(uri, config, timeout),
        }
    }
}

/// Returns the socket address of a URL whose host is an IPv4 or bracketed IPv6 address,
/// with the scheme's default port when the URL names none.
fn ip_literal_address(uri: &Uri) -> Option<SocketAddr> {
    let host = uri.host()?;
    let host = host
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(host);
    let ip: IpAddr = host.parse().ok()?;
    let port = match (uri.port_u16(), uri.scheme_str()) {
        (Some(port), _) => port,
        (None, Some("http")) => 80,
        (None, Some("https")) => 443,
        (None, _) => return None,
    };
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(url: &str) -> Option<SocketAddr> {
        ip_literal_address(&url.parse::<Uri>().unwrap())
    }

    #[test]
    fn ip_literal_hosts_resolve_without_lookup() {
        assert_eq!(
            address("http://127.0.0.1:5000/"),
            Some("127.0.0.1:5000".parse().unwrap())
        );
        assert_eq!(
            address("http://169.254.170.2/v2"),
            Some("169.254.170.2:80".parse().unwrap())
        );
        assert_eq!(
            address("https://[::1]/"),
            Some("[::1]:443".parse().unwrap())
        );
        assert_eq!(
            address("http://[fd00:ec2::254]:8080/"),
            Some("[fd00:ec2::254]:8080".parse().unwrap())
        );
    }

    #[test]
    fn host_names_go_to_default_resolver() {
        assert_eq!(address("https://sts.amazonaws.com/"), None);
        assert_eq!(address("http://localhost:4566/"), None);
        assert_eq!(address("http://127.0.0.1.nip.io/"), None);
    }
}
