//! Proxy selection from `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`.
//!
//! ureq's own environment default takes `ALL_PROXY` first whatever the scheme, so the crate
//! chooses the proxy itself, by the rules that curl (everything.curl.dev, "Proxy environment
//! variables") and botocore (`botocore/httpsession.py` at commit 045b5ba, through Python's
//! `urllib.request.getproxies`) share:
//!
//! - `https://` endpoints use `HTTPS_PROXY`, `http://` endpoints use `HTTP_PROXY`. `ALL_PROXY`
//!   is ignored, as botocore ignores it.
//! - Each variable may be spelled in lower or upper case; when both are set the lower-case one
//!   wins, even when it is empty. Upper-case `HTTP_PROXY` is ignored when `REQUEST_METHOD` is
//!   set, because a CGI server sets it from a request's `Proxy:` header.
//! - A proxy URL without a scheme is an `http://` proxy.
//! - `NO_PROXY` is a comma-separated list of `*` (every host), domain names (matching the name
//!   and its subdomains, with or without a leading `.` or `*.`), IP addresses and CIDR ranges,
//!   each optionally with a `:port`.

use std::fmt;
use std::net::IpAddr;

use crate::session::Environment;
use crate::Error;

/// Path of a request to its endpoint: direct, or through one of the proxies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    Direct,
    /// Through the proxy from `HTTP_PROXY`.
    HttpProxy,
    /// Through the proxy from `HTTPS_PROXY`.
    HttpsProxy,
}

/// The proxies configured in the environment.
#[derive(Clone, Default)]
pub(crate) struct ProxySettings {
    pub(crate) http: Option<ProxyServer>,
    pub(crate) https: Option<ProxyServer>,
    no_proxy: Vec<NoProxyEntry>,
}

/// One proxy server and the variable it came from.
#[derive(Clone)]
pub(crate) struct ProxyServer {
    pub(crate) proxy: ureq::Proxy,
    variable: &'static str,
}

impl ProxyServer {
    /// Parses a proxy URL as curl and botocore accept it; the message of an error never
    /// contains the URL's password.
    fn parse(variable: &'static str, value: &str) -> Result<ProxyServer, Error> {
        let value = value.trim();
        let url = if value.contains("://") {
            value.to_string()
        } else {
            format!("http://{value}")
        };
        let scheme = url.split("://").next().unwrap_or_default();
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return Err(Error::config(format!(
                "unsupported proxy in {variable}: the scheme {scheme:?} is not supported; \
                 use an http:// or https:// proxy"
            )));
        }
        let invalid = || {
            Error::config(format!(
                "invalid proxy URL in {variable}: expected http://host:port or \
                 https://user:password@host:port"
            ))
        };
        // ureq accepts a port that is not a number and uses the default port instead.
        let has_host = Target::parse(&url).is_some_and(|target| !target.host.is_empty());
        if !has_host {
            return Err(invalid());
        }
        let proxy = ureq::Proxy::new(&url).map_err(|_| invalid())?;
        Ok(ProxyServer { proxy, variable })
    }
}

impl fmt::Display for ProxyServer {
    /// Writes the proxy's scheme, host and port, without any user name or password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.proxy.protocol() {
            ureq::ProxyProtocol::Https => "https",
            _ => "http",
        };
        write!(
            f,
            "{scheme}://{}:{} (from {})",
            self.proxy.host(),
            self.proxy.port(),
            self.variable
        )
    }
}

impl fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxySettings")
            .field("http", &self.http.as_ref().map(ToString::to_string))
            .field("https", &self.https.as_ref().map(ToString::to_string))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl ProxySettings {
    /// Reads the proxy variables from `environment`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when a proxy URL is malformed or not an `http://` or `https://` URL.
    pub(crate) fn from_environment(environment: &Environment) -> Result<ProxySettings, Error> {
        let cgi = environment.var("REQUEST_METHOD").is_some();
        let http = match variable(environment, "http_proxy", "HTTP_PROXY", !cgi) {
            Some((name, value)) => Some(ProxyServer::parse(name, &value)?),
            None => None,
        };
        let https = match variable(environment, "https_proxy", "HTTPS_PROXY", true) {
            Some((name, value)) => Some(ProxyServer::parse(name, &value)?),
            None => None,
        };
        let no_proxy = variable(environment, "no_proxy", "NO_PROXY", true)
            .map(|(_, value)| parse_no_proxy(&value))
            .unwrap_or_default();
        Ok(ProxySettings {
            http,
            https,
            no_proxy,
        })
    }

    /// Returns the route for a request to `url`.
    pub(crate) fn route(&self, url: &str) -> Route {
        let Some(target) = Target::parse(url) else {
            return Route::Direct;
        };
        let (route, proxy) = match target.scheme.as_str() {
            "https" => (Route::HttpsProxy, &self.https),
            "http" => (Route::HttpProxy, &self.http),
            _ => return Route::Direct,
        };
        if proxy.is_none() || self.no_proxy.iter().any(|entry| entry.matches(&target)) {
            return Route::Direct;
        }
        route
    }
}

/// Returns the lower-case variable when it is set, else the upper-case one when `allow_upper`
/// and it is set; an empty value means no proxy.
fn variable(
    environment: &Environment,
    lower: &'static str,
    upper: &'static str,
    allow_upper: bool,
) -> Option<(&'static str, String)> {
    let (name, value) = match environment.var(lower) {
        Some(value) => (lower, value),
        None if allow_upper => (upper, environment.var(upper)?),
        None => return None,
    };
    if value.trim().is_empty() {
        None
    } else {
        Some((name, value))
    }
}

/// The scheme, host and port of a request URL, lower-cased, with IPv6 brackets and a trailing
/// dot removed from the host.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    scheme: String,
    host: String,
    port: u16,
}

impl Target {
    fn parse(url: &str) -> Option<Target> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let authority = rest.split(['/', '?', '#']).next()?;
        let host_and_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port) = split_host_port(host_and_port)?;
        let default_port = match scheme.as_str() {
            "https" => 443,
            _ => 80,
        };
        Some(Target {
            scheme,
            host: normalize_host(host),
            port: port.unwrap_or(default_port),
        })
    }
}

/// Splits `host`, `host:port`, `[v6]` or `[v6]:port`; returns `None` for a malformed port.
fn split_host_port(value: &str) -> Option<(&str, Option<u16>)> {
    if let Some(rest) = value.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        return match after.strip_prefix(':') {
            Some(port) => Some((host, Some(port.parse().ok()?))),
            None if after.is_empty() => Some((host, None)),
            None => None,
        };
    }
    match value.rsplit_once(':') {
        // More than one colon without brackets: a bare IPv6 address, no port.
        Some((host, _)) if host.contains(':') => Some((value, None)),
        Some((host, port)) => Some((host, Some(port.parse().ok()?))),
        None => Some((value, None)),
    }
}

fn normalize_host(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// One entry of `NO_PROXY`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NoProxyEntry {
    /// `*`: no host uses the proxy.
    All,
    /// A domain name, matching itself and its subdomains.
    Domain { name: String, port: Option<u16> },
    /// An IP address, or a CIDR range when `prefix` is shorter than the address.
    Network {
        address: IpAddr,
        prefix: u8,
        port: Option<u16>,
    },
}

/// Parses `NO_PROXY`, skipping entries that cannot be read.
fn parse_no_proxy(value: &str) -> Vec<NoProxyEntry> {
    value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .filter_map(|entry| {
            let parsed = NoProxyEntry::parse(entry);
            if parsed.is_none() {
                log::debug!("ignoring the NO_PROXY entry {entry:?}, which cannot be parsed");
            }
            parsed
        })
        .collect()
}

impl NoProxyEntry {
    fn parse(entry: &str) -> Option<NoProxyEntry> {
        if entry == "*" {
            return Some(NoProxyEntry::All);
        }
        if let Some((address, prefix)) = entry.split_once('/') {
            let address: IpAddr = address.trim_matches(['[', ']']).parse().ok()?;
            let prefix: u8 = prefix.parse().ok()?;
            if prefix > max_prefix(address) {
                return None;
            }
            return Some(NoProxyEntry::Network {
                address,
                prefix,
                port: None,
            });
        }
        let (host, port) = split_host_port(entry)?;
        if let Ok(address) = host.parse::<IpAddr>() {
            return Some(NoProxyEntry::Network {
                address,
                prefix: max_prefix(address),
                port,
            });
        }
        let name = host.strip_prefix('*').unwrap_or(host);
        let name = normalize_host(name.strip_prefix('.').unwrap_or(name));
        if name.is_empty() {
            return None;
        }
        Some(NoProxyEntry::Domain { name, port })
    }

    fn matches(&self, target: &Target) -> bool {
        match self {
            NoProxyEntry::All => true,
            NoProxyEntry::Domain { name, port } => {
                let port_matches = port.is_none_or(|port| port == target.port);
                let host_matches = target.host == *name
                    || target
                        .host
                        .strip_suffix(name.as_str())
                        .is_some_and(|head| head.ends_with('.'));
                port_matches && host_matches
            }
            NoProxyEntry::Network {
                address,
                prefix,
                port,
            } => {
                let port_matches = port.is_none_or(|port| port == target.port);
                let Ok(host) = target.host.parse::<IpAddr>() else {
                    return false;
                };
                port_matches && in_network(host, *address, *prefix)
            }
        }
    }
}

fn max_prefix(address: IpAddr) -> u8 {
    match address {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// Returns whether `host` lies in `network/prefix`; addresses of different families never do.
fn in_network(host: IpAddr, network: IpAddr, prefix: u8) -> bool {
    match (host, network) {
        (IpAddr::V4(host), IpAddr::V4(network)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(host) & mask == u32::from(network) & mask
        }
        (IpAddr::V6(host), IpAddr::V6(network)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(host) & mask == u128::from(network) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(variables: &[(&str, &str)]) -> ProxySettings {
        let mut environment = Environment::empty();
        for (name, value) in variables {
            environment = environment.with_var(*name, *value);
        }
        ProxySettings::from_environment(&environment).unwrap()
    }

    fn proxy_host(server: &Option<ProxyServer>) -> Option<String> {
        server
            .as_ref()
            .map(|server| server.proxy.host().to_string())
    }

    #[test]
    fn scheme_selects_variable() {
        let settings = settings(&[
            ("HTTPS_PROXY", "http://secure-proxy:3128"),
            ("HTTP_PROXY", "http://plain-proxy:3128"),
            ("ALL_PROXY", "http://all-proxy:3128"),
        ]);
        assert_eq!(
            settings.route("https://sts.amazonaws.com/"),
            Route::HttpsProxy
        );
        assert_eq!(settings.route("http://127.0.0.1:5000/"), Route::HttpProxy);
        assert_eq!(proxy_host(&settings.https).as_deref(), Some("secure-proxy"));
        assert_eq!(proxy_host(&settings.http).as_deref(), Some("plain-proxy"));
    }

    #[test]
    fn all_proxy_alone_is_ignored() {
        let settings = settings(&[("ALL_PROXY", "http://all-proxy:3128")]);
        assert_eq!(settings.route("https://sts.amazonaws.com/"), Route::Direct);
        assert_eq!(settings.route("http://sts.amazonaws.com/"), Route::Direct);
    }

    #[test]
    fn https_proxy_does_not_serve_http() {
        let settings = settings(&[("HTTPS_PROXY", "http://secure-proxy:3128")]);
        assert_eq!(settings.route("http://127.0.0.1:5000/"), Route::Direct);
    }

    #[test]
    fn lower_case_wins() {
        let settings = settings(&[
            ("https_proxy", "lower:1"),
            ("HTTPS_PROXY", "upper:2"),
            ("http_proxy", ""),
            ("HTTP_PROXY", "upper:3"),
        ]);
        assert_eq!(proxy_host(&settings.https).as_deref(), Some("lower"));
        assert!(
            settings.http.is_none(),
            "an empty http_proxy disables HTTP_PROXY"
        );
    }

    #[test]
    fn upper_case_http_proxy_ignored_under_cgi() {
        let cgi = settings(&[("HTTP_PROXY", "attacker:80"), ("REQUEST_METHOD", "GET")]);
        assert!(cgi.http.is_none());
        let cgi_lower = settings(&[("http_proxy", "proxy:80"), ("REQUEST_METHOD", "GET")]);
        assert_eq!(proxy_host(&cgi_lower.http).as_deref(), Some("proxy"));
    }

    #[test]
    fn proxy_url_forms() {
        let settings = settings(&[("HTTPS_PROXY", "user:pa%40ss@proxy.example:8443")]);
        let proxy = &settings.https.as_ref().unwrap().proxy;
        assert_eq!(proxy.protocol(), ureq::ProxyProtocol::Http);
        assert_eq!(proxy.host(), "proxy.example");
        assert_eq!(proxy.port(), 8443);
        assert_eq!(proxy.username(), Some("user"));
        assert_eq!(proxy.password(), Some("pa@ss"));
        let shown = settings.https.as_ref().unwrap().to_string();
        assert_eq!(shown, "http://proxy.example:8443 (from HTTPS_PROXY)");
        assert!(!format!("{settings:?}").contains("pa"), "{settings:?}");
    }

    #[test]
    fn bad_proxy_urls_are_config_errors() {
        for value in ["socks5://proxy:1080", "ftp://proxy:21", "http://proxy:port"] {
            let environment = Environment::empty().with_var("HTTPS_PROXY", value);
            let error = ProxySettings::from_environment(&environment).unwrap_err();
            assert!(matches!(error, Error::Config { .. }), "{value}: {error:?}");
            assert!(error.to_string().contains("HTTPS_PROXY"), "{error}");
        }
        let environment =
            Environment::empty().with_var("HTTPS_PROXY", "http://user:hunter2@proxy:bad");
        let message = ProxySettings::from_environment(&environment)
            .unwrap_err()
            .to_string();
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn no_proxy_domains() {
        let settings = settings(&[
            ("HTTPS_PROXY", "proxy:3128"),
            (
                "NO_PROXY",
                " internal.example , .corp.example,*.lab.example,Upper.Example",
            ),
        ]);
        for url in [
            "https://internal.example/",
            "https://sts.internal.example/",
            "https://corp.example/",
            "https://a.b.corp.example:8443/",
            "https://lab.example/",
            "https://x.lab.example/",
            "https://upper.example./",
            "https://UPPER.EXAMPLE/",
        ] {
            assert_eq!(settings.route(url), Route::Direct, "{url}");
        }
        for url in [
            "https://notinternal.example/",
            "https://internal.example.com/",
            "https://sts.amazonaws.com/",
        ] {
            assert_eq!(settings.route(url), Route::HttpsProxy, "{url}");
        }
    }

    #[test]
    fn no_proxy_star_and_lower_case() {
        let all = settings(&[("HTTPS_PROXY", "proxy:3128"), ("no_proxy", "*")]);
        assert_eq!(all.route("https://sts.amazonaws.com/"), Route::Direct);
        let lower_wins = settings(&[
            ("HTTPS_PROXY", "proxy:3128"),
            ("no_proxy", "other.example"),
            ("NO_PROXY", "*"),
        ]);
        assert_eq!(
            lower_wins.route("https://sts.amazonaws.com/"),
            Route::HttpsProxy
        );
    }

    #[test]
    fn no_proxy_addresses_ranges_and_ports() {
        let settings = settings(&[
            ("HTTP_PROXY", "proxy:3128"),
            (
                "NO_PROXY",
                "127.0.0.1,10.0.0.0/8,::1,[fd00::]/8,example.test:8080,192.168.1.1:81,bogus/99",
            ),
        ]);
        for url in [
            "http://127.0.0.1:5000/",
            "http://10.200.3.4/",
            "http://[::1]:5000/",
            "http://[fd12::1]/",
            "http://example.test:8080/",
            "http://192.168.1.1:81/",
        ] {
            assert_eq!(settings.route(url), Route::Direct, "{url}");
        }
        for url in [
            "http://127.0.0.2/",
            "http://11.0.0.1/",
            "http://[::2]/",
            "http://example.test/",
            "http://192.168.1.1/",
        ] {
            assert_eq!(settings.route(url), Route::HttpProxy, "{url}");
        }
    }

    #[test]
    fn target_parsing() {
        assert_eq!(
            Target::parse("HTTPS://User@STS.Example.com.:8443/path?q"),
            Some(Target {
                scheme: "https".into(),
                host: "sts.example.com".into(),
                port: 8443
            })
        );
        assert_eq!(
            Target::parse("http://[::1]/").map(|target| (target.host, target.port)),
            Some(("::1".to_string(), 80))
        );
        assert_eq!(Target::parse("http://host:notaport/"), None);
        assert_eq!(Target::parse("no-scheme"), None);
    }

    #[test]
    fn network_matching() {
        let v4 = |text: &str| text.parse::<IpAddr>().unwrap();
        assert!(in_network(v4("10.1.2.3"), v4("10.0.0.0"), 8));
        assert!(!in_network(v4("11.1.2.3"), v4("10.0.0.0"), 8));
        assert!(in_network(v4("1.2.3.4"), v4("9.9.9.9"), 0));
        assert!(in_network(v4("::1"), v4("::1"), 128));
        assert!(!in_network(v4("::1"), v4("127.0.0.1"), 0));
    }
}
