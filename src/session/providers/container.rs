//! Container credentials: Amazon ECS task roles (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`) and
//! full URIs such as EKS Pod Identity (`AWS_CONTAINER_CREDENTIALS_FULL_URI`), with an optional
//! authorization token.
//!
//! Host rules, timeout and attempts follow botocore 1.44.8 (`utils.ContainerMetadataFetcher`):
//! a full URI must be `https`, or `http` to a loopback address or one of the ECS and EKS
//! link-local hosts; each attempt has 2 seconds, and up to 3 attempts are made one second apart.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::http::{EndpointClient, EndpointRequest};
use super::{Lookup, MetadataCredentials};
use crate::session::Environment;
use crate::{Credentials, Error};

/// The ECS credentials host that relative URIs are resolved against.
pub(crate) const ECS_HOST: &str = "169.254.170.2";
/// Hosts that a plain-http full URI may name besides loopback addresses: the ECS and EKS Pod
/// Identity agents, over IPv4 and IPv6.
const ALLOWED_HTTP_HOSTS: &[&str] = &[ECS_HOST, "169.254.170.23", "fd00:ec2::23", "localhost"];
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
const MAX_ATTEMPTS: u32 = 3;
const PAUSE_BETWEEN_ATTEMPTS: Duration = Duration::from_secs(1);

/// The source of the authorization token. Its `Debug` output leaves out the token.
#[derive(Clone)]
enum AuthorizationToken {
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
    Value(String),
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, read again on every load because the agent
    /// rotates it.
    File(PathBuf),
}

impl fmt::Debug for AuthorizationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthorizationToken::Value(_) => f.write_str("Value(** redacted **)"),
            AuthorizationToken::File(path) => f.debug_tuple("File").field(path).finish(),
        }
    }
}

/// A configured container credentials endpoint.
#[derive(Debug, Clone)]
pub(crate) struct ContainerSource {
    url: String,
    token: Option<AuthorizationToken>,
}

impl ContainerSource {
    /// Reads the container variables. The relative URI wins over the full URI, as in botocore.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the full URI is malformed or names a host that is not allowed.
    pub(crate) fn from_environment(
        environment: &Environment,
    ) -> Result<Lookup<ContainerSource>, Error> {
        let url = if let Some(relative) =
            environment.non_empty_var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        {
            let separator = if relative.starts_with('/') { "" } else { "/" };
            format!("http://{ECS_HOST}{separator}{relative}")
        } else if let Some(full) = environment.non_empty_var("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            check_full_uri(&full)?;
            full
        } else {
            return Ok(Lookup::NotFound(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI \
                 are not set"
                    .to_string(),
            ));
        };

        let token = if let Some(path) =
            environment.non_empty_var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        {
            Some(AuthorizationToken::File(PathBuf::from(path)))
        } else {
            environment
                .non_empty_var("AWS_CONTAINER_AUTHORIZATION_TOKEN")
                .map(AuthorizationToken::Value)
        };
        Ok(Lookup::Found(ContainerSource { url, token }))
    }

    /// Returns the URL credentials are fetched from.
    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Fetches credentials, reading the token file again first.
    pub(crate) fn load(&self, client: &EndpointClient) -> Result<Credentials, Error> {
        let token = self.authorization_token()?;
        let mut attempt = 1;
        loop {
            let mut request =
                EndpointRequest::new(ureq::http::Method::GET, self.url.clone(), ATTEMPT_TIMEOUT)
                    .header("accept", "application/json");
            if let Some(token) = &token {
                request = request.header("authorization", token.clone());
            }

            let failure = match client.send(request) {
                Ok(response) if response.status == 200 => {
                    let source = format!("the container credentials endpoint {}", self.url);
                    return MetadataCredentials::parse(&response.body, &source);
                }
                Ok(response) if response.status < 500 => {
                    return Err(Error::credentials(format!(
                        "the container credentials endpoint {} returned HTTP {}; check \
                         AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE) and the task or pod role",
                        self.url, response.status
                    )));
                }
                Ok(response) => format!("HTTP {}", response.status),
                Err(failure) => failure.to_string(),
            };
            if attempt >= MAX_ATTEMPTS {
                return Err(Error::credentials(format!(
                    "no credentials from the container credentials endpoint {} after {attempt} \
                     attempts: {failure}",
                    self.url
                )));
            }
            log::debug!(
                "container credentials attempt {attempt} to {} failed: {failure}",
                self.url
            );
            std::thread::sleep(PAUSE_BETWEEN_ATTEMPTS);
            attempt += 1;
        }
    }

    fn authorization_token(&self) -> Result<Option<String>, Error> {
        let token = match &self.token {
            None => return Ok(None),
            Some(AuthorizationToken::Value(value)) => value.clone(),
            Some(AuthorizationToken::File(path)) => std::fs::read_to_string(path)
                .map(|text| text.trim_end_matches(['\r', '\n']).to_string())
                .map_err(|error| {
                    Error::credentials(format!(
                        "cannot read the container authorization token file {} \
                         (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE): {error}",
                        path.display()
                    ))
                })?,
        };
        if token.contains(['\r', '\n']) {
            return Err(Error::credentials(
                "the container authorization token contains a line break, which an HTTP header \
                 cannot carry; check AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)",
            ));
        }
        Ok(Some(token))
    }
}

/// Checks a full URI against the host rules in the module documentation.
fn check_full_uri(url: &str) -> Result<(), Error> {
    let uri: ureq::http::Uri = url.parse().map_err(|error| {
        Error::config(format!(
            "invalid AWS_CONTAINER_CREDENTIALS_FULL_URI {url:?}: {error}"
        ))
    })?;
    let host = uri
        .host()
        .map(|host| host.trim_start_matches('[').trim_end_matches(']'))
        .unwrap_or_default();
    let allowed = match uri.scheme_str() {
        Some("https") => !host.is_empty(),
        Some("http") => {
            host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
                || ALLOWED_HTTP_HOSTS.contains(&host)
        }
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(Error::config(format!(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI {url:?} is not allowed: use https, or http to a \
             loopback address or one of {}",
            ALLOWED_HTTP_HOSTS.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(environment: Environment) -> Result<Lookup<ContainerSource>, Error> {
        ContainerSource::from_environment(&environment)
    }

    #[test]
    fn relative_uri_wins_and_uses_the_ecs_host() {
        let environment = Environment::empty()
            .with_var(
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "/v2/credentials/abc",
            )
            .with_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/x");
        let Lookup::Found(source) = lookup(environment).unwrap() else {
            panic!("expected a source")
        };
        assert_eq!(source.url(), "http://169.254.170.2/v2/credentials/abc");
    }

    #[test]
    fn full_uri_host_rules() {
        let allowed = [
            "http://127.0.0.1:8080/creds",
            "http://127.1.2.3/creds",
            "http://[::1]:80/creds",
            "http://localhost/creds",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "https://credentials.example.com/creds",
        ];
        for url in allowed {
            let environment =
                Environment::empty().with_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", url);
            assert!(
                matches!(lookup(environment), Ok(Lookup::Found(_))),
                "{url} should be allowed"
            );
        }
        let rejected = [
            "http://169.254.169.254/latest",
            "http://example.com/creds",
            "http://10.0.0.1/creds",
            "ftp://127.0.0.1/creds",
            "not a url",
        ];
        for url in rejected {
            let environment =
                Environment::empty().with_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", url);
            assert!(
                matches!(lookup(environment), Err(Error::Config { .. })),
                "{url} should be rejected"
            );
        }
    }

    #[test]
    fn debug_output_redacts_the_token() {
        let environment = Environment::empty()
            .with_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/x")
            .with_var(
                "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                "secret-container-token",
            );
        let Lookup::Found(source) = lookup(environment).unwrap() else {
            panic!("expected a source")
        };
        let debug = format!("{source:?}");
        assert!(!debug.contains("secret-container-token"), "{debug}");
        assert!(debug.contains("Value(** redacted **)"), "{debug}");
        assert!(debug.contains("http://127.0.0.1:9/x"), "{debug}");
    }

    #[test]
    fn debug_output_names_the_token_file() {
        let environment = Environment::empty()
            .with_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/x")
            .with_var("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/run/token");
        let Lookup::Found(source) = lookup(environment).unwrap() else {
            panic!("expected a source")
        };
        let debug = format!("{source:?}");
        assert!(debug.contains("File(\"/run/token\")"), "{debug}");
    }

    #[test]
    fn nothing_set_is_not_found() {
        assert!(matches!(
            lookup(Environment::empty()),
            Ok(Lookup::NotFound(_))
        ));
    }
}
