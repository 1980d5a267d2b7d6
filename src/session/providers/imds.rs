//! The EC2 instance metadata service (IMDS), version 2 only: a session token from
//! `PUT /latest/api/token`, then the instance role's credentials or the instance's region.
//!
//! Settings, with the defaults of botocore 1.44.8 (`utils.IMDSFetcher`): one attempt of one
//! second per request (`AWS_METADATA_SERVICE_TIMEOUT`, `AWS_METADATA_SERVICE_NUM_ATTEMPTS`), a
//! token TTL of 21600 seconds, the endpoint `http://169.254.169.254` or, in IPv6 mode,
//! `http://[fd00:ec2::254]`. The short timeout matters inside containers, where a hop limit of
//! 1 drops the token response and every request would otherwise hang.

use std::time::{Duration, SystemTime};

use time::OffsetDateTime;

use super::http::{EndpointClient, EndpointRequest, FailureKind};
use super::{Lookup, MetadataCredentials};
use crate::session::cache::{expiration_time, EXPIRY_MARGIN};
use crate::session::Environment;
use crate::{Credentials, Error};

const IPV4_ENDPOINT: &str = "http://169.254.169.254";
const IPV6_ENDPOINT: &str = "http://[fd00:ec2::254]";
const TOKEN_TTL_SECONDS: &str = "21600";
const CREDENTIALS_PATH: &str = "/latest/meta-data/iam/security-credentials/";
const REGION_PATH: &str = "/latest/meta-data/placement/region";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);
/// How long expired credentials from the service are used before the next attempt, because
/// during an outage the service keeps returning the last credentials after they expire.
/// botocore (`utils.InstanceMetadataFetcher._evaluate_expiration`) extends them by 10 minutes
/// plus 2 to 10 minutes of jitter. This is a fixed value in that range.
pub(crate) const STALE_CREDENTIALS_EXTENSION: Duration = Duration::from_secs(15 * 60);

/// The endpoint, timeout and attempt count of the instance metadata service.
#[derive(Debug, Clone)]
pub(crate) struct Imds {
    endpoint: String,
    timeout: Duration,
    attempts: u32,
}

impl Imds {
    /// Reads the settings from the environment, then from the profile through
    /// `profile_value`. Returns `NotFound` when `AWS_EC2_METADATA_DISABLED` turns the service
    /// off.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a malformed endpoint, endpoint mode, timeout or attempt count.
    pub(crate) fn from_environment(
        environment: &Environment,
        profile_value: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Lookup<Imds>, Error> {
        if !environment.instance_metadata_enabled() {
            return Ok(Lookup::NotFound(
                "the instance metadata service is disabled (AWS_EC2_METADATA_DISABLED, or an \
                 Environment::empty() that does not enable it)"
                    .to_string(),
            ));
        }
        let setting = |variable: &str, key: &str| {
            environment
                .non_empty_var(variable)
                .or_else(|| profile_value(key).filter(|value| !value.is_empty()))
        };

        let endpoint = match setting(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            "ec2_metadata_service_endpoint",
        ) {
            Some(endpoint) => {
                crate::session::check_endpoint_url(&endpoint).map_err(|_| {
                    Error::config(format!(
                        "invalid instance metadata endpoint {endpoint:?} \
                         (AWS_EC2_METADATA_SERVICE_ENDPOINT or ec2_metadata_service_endpoint): \
                         use a URL such as http://169.254.169.254"
                    ))
                })?;
                endpoint.trim_end_matches('/').to_string()
            }
            None => match setting(
                "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
                "ec2_metadata_service_endpoint_mode",
            ) {
                None => IPV4_ENDPOINT.to_string(),
                Some(mode) if mode.eq_ignore_ascii_case("ipv4") => IPV4_ENDPOINT.to_string(),
                Some(mode) if mode.eq_ignore_ascii_case("ipv6") => IPV6_ENDPOINT.to_string(),
                Some(mode) => {
                    return Err(Error::config(format!(
                        "invalid instance metadata endpoint mode {mode:?} \
                         (AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE or \
                         ec2_metadata_service_endpoint_mode): use IPv4 or IPv6"
                    )))
                }
            },
        };

        let timeout = match setting("AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout") {
            None => DEFAULT_TIMEOUT,
            Some(value) => value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|seconds| seconds.is_finite() && *seconds > 0.0 && *seconds <= 3600.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| {
                    Error::config(format!(
                        "invalid AWS_METADATA_SERVICE_TIMEOUT or metadata_service_timeout \
                         {value:?}: use a number of seconds such as 1"
                    ))
                })?,
        };
        let attempts = match setting(
            "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
            "metadata_service_num_attempts",
        ) {
            None => 1,
            Some(value) => value
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|count| (1..=10).contains(count))
                .ok_or_else(|| {
                    Error::config(format!(
                        "invalid AWS_METADATA_SERVICE_NUM_ATTEMPTS or \
                         metadata_service_num_attempts {value:?}: use a whole number from 1 to 10"
                    ))
                })?,
        };
        Ok(Lookup::Found(Imds {
            endpoint,
            timeout,
            attempts,
        }))
    }

    /// Returns the base URL, such as `http://169.254.169.254`.
    pub(crate) fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Fetches the instance role's credentials. Returns `NotFound` when no metadata service
    /// responds, when it rejects IMDSv2 tokens, or when no role is attached to the instance.
    /// Credentials that expired, or expire within the cache's expiry margin, by `now` get a new
    /// expiration [`STALE_CREDENTIALS_EXTENSION`] after `now`.
    pub(crate) fn credentials(
        &self,
        client: &EndpointClient,
        now: SystemTime,
    ) -> Result<Lookup<Credentials>, Error> {
        let token = match self.token(client)? {
            Lookup::Found(token) => token,
            Lookup::NotFound(reason) => return Ok(Lookup::NotFound(reason)),
        };

        let listing = self.get(client, CREDENTIALS_PATH, &token)?;
        let role = match listing.status {
            200 => listing
                .body
                .lines()
                .map(str::trim)
                .find(|line| !line.is_empty()),
            404 => None,
            status => {
                return Err(Error::credentials(format!(
                    "the instance metadata service at {} returned HTTP {status} for the \
                     instance role name",
                    self.endpoint
                )))
            }
        };
        let Some(role) = role else {
            return Ok(Lookup::NotFound(format!(
                "the instance metadata service at {} reports no IAM role attached to this \
                 instance",
                self.endpoint
            )));
        };

        let document = self.get(client, &format!("{CREDENTIALS_PATH}{role}"), &token)?;
        if document.status != 200 {
            return Err(Error::credentials(format!(
                "the instance metadata service at {} returned HTTP {} for the credentials of \
                 role {role}",
                self.endpoint, document.status
            )));
        }
        let source = format!("the instance metadata service at {}", self.endpoint);
        let credentials = MetadataCredentials::parse(&document.body, &source)?;
        Ok(Lookup::Found(self.extend_if_stale(credentials, now)))
    }

    /// Extends credentials that the cache would reject as expired, and logs a warning.
    fn extend_if_stale(&self, credentials: Credentials, now: SystemTime) -> Credentials {
        let Some(expiration) = credentials.expiration() else {
            return credentials;
        };
        let margin_end = now.checked_add(EXPIRY_MARGIN).unwrap_or(now);
        if expiration_time(expiration).is_none_or(|at| at > margin_end) {
            return credentials;
        }
        let Some(extended) = now.checked_add(STALE_CREDENTIALS_EXTENSION) else {
            return credentials;
        };
        let extended = OffsetDateTime::from(extended);
        log::warn!(
            "the instance metadata service at {} returned credentials for access key {} that \
             expire at {expiration}, as it may during an outage; using them until \
             {extended} and fetching new ones before then",
            self.endpoint,
            credentials.access_key_id()
        );
        let account_id = credentials.account_id().map(str::to_string);
        let mut renewed = Credentials::new(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            credentials.session_token().map(str::to_string),
            Some(extended),
        );
        if let Some(account_id) = account_id {
            renewed = renewed.with_account_id(account_id);
        }
        renewed
    }

    /// Fetches the instance's region, such as `eu-west-1`.
    pub(crate) fn region(&self, client: &EndpointClient) -> Result<Lookup<String>, Error> {
        let token = match self.token(client)? {
            Lookup::Found(token) => token,
            Lookup::NotFound(reason) => return Ok(Lookup::NotFound(reason)),
        };
        let response = self.get(client, REGION_PATH, &token)?;
        let region = response.body.trim();
        if response.status != 200 || region.is_empty() {
            return Err(Error::config(format!(
                "the instance metadata service at {} returned HTTP {} without a region",
                self.endpoint, response.status
            )));
        }
        Ok(Lookup::Found(region.to_string()))
    }

    /// Gets an IMDSv2 session token.
    fn token(&self, client: &EndpointClient) -> Result<Lookup<String>, Error> {
        let url = format!("{}/latest/api/token", self.endpoint);
        let mut attempt = 1;
        let response = loop {
            let request = EndpointRequest::new(ureq::http::Method::PUT, url.clone(), self.timeout)
                .header("x-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL_SECONDS);
            match client.send(request) {
                Ok(response) => break response,
                Err(failure) if attempt < self.attempts => {
                    log::debug!("instance metadata token attempt {attempt} failed: {failure}");
                    attempt += 1;
                }
                Err(failure) => {
                    return match failure.kind {
                        FailureKind::Unreachable | FailureKind::Timeout => Ok(Lookup::NotFound(
                            format!("no instance metadata service responded: {failure}"),
                        )),
                        FailureKind::Other => Err(Error::credentials(format!(
                            "the instance metadata token request failed: {failure}"
                        ))),
                    };
                }
            }
        };
        match response.status {
            200 if !response.body.trim().is_empty() => {
                Ok(Lookup::Found(response.body.trim().to_string()))
            }
            403..=405 => Ok(Lookup::NotFound(format!(
                "the instance metadata service at {} refused an IMDSv2 session token (HTTP {}); \
                 this crate does not use IMDSv1",
                self.endpoint, response.status
            ))),
            status => Err(Error::credentials(format!(
                "the instance metadata service at {} returned HTTP {status} to the IMDSv2 token \
                 request",
                self.endpoint
            ))),
        }
    }

    fn get(
        &self,
        client: &EndpointClient,
        path: &str,
        token: &str,
    ) -> Result<super::http::EndpointResponse, Error> {
        let url = format!("{}{path}", self.endpoint);
        let mut attempt = 1;
        loop {
            let request = EndpointRequest::new(ureq::http::Method::GET, url.clone(), self.timeout)
                .header("x-aws-ec2-metadata-token", token);
            match client.send(request) {
                Ok(response) if response.status >= 500 && attempt < self.attempts => {}
                Ok(response) => return Ok(response),
                Err(failure) if attempt < self.attempts => {
                    log::debug!("instance metadata attempt {attempt} failed: {failure}");
                }
                Err(failure) => {
                    return Err(Error::credentials(format!(
                        "the instance metadata request failed: {failure}"
                    )))
                }
            }
            attempt += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(environment: Environment) -> Result<Lookup<Imds>, Error> {
        Imds::from_environment(&environment, &|_| None)
    }

    #[test]
    fn disabled_by_variable() {
        let environment = Environment::empty()
            .with_var("AWS_EC2_METADATA_DISABLED", "true")
            .with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1");
        assert!(matches!(settings(environment), Ok(Lookup::NotFound(_))));
    }

    #[test]
    fn endpoint_and_mode() {
        let enabled = Environment::empty().with_var("AWS_EC2_METADATA_DISABLED", "false");
        let cases = [
            (enabled.clone(), "http://169.254.169.254"),
            (
                enabled
                    .clone()
                    .with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"),
                "http://[fd00:ec2::254]",
            ),
            (
                enabled
                    .clone()
                    .with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6")
                    .with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:7/"),
                "http://127.0.0.1:7",
            ),
        ];
        for (environment, expected) in cases {
            let Ok(Lookup::Found(imds)) = settings(environment) else {
                panic!("expected settings for {expected}")
            };
            assert_eq!(imds.endpoint(), expected);
        }
    }

    #[test]
    fn profile_supplies_the_mode() {
        let environment = Environment::empty().with_var("AWS_EC2_METADATA_DISABLED", "false");
        let profile =
            |key: &str| (key == "ec2_metadata_service_endpoint_mode").then(|| "IPv6".to_string());
        let Ok(Lookup::Found(imds)) = Imds::from_environment(&environment, &profile) else {
            panic!("expected settings")
        };
        assert_eq!(imds.endpoint(), "http://[fd00:ec2::254]");
    }

    #[test]
    fn malformed_settings_are_config_errors() {
        let enabled = Environment::empty().with_var("AWS_EC2_METADATA_DISABLED", "false");
        let cases = [
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "169.254.169.254"),
            ("AWS_METADATA_SERVICE_TIMEOUT", "soon"),
            ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "0"),
        ];
        for (name, value) in cases {
            let result = settings(enabled.clone().with_var(name, value));
            assert!(
                matches!(result, Err(Error::Config { .. })),
                "{name}={value}"
            );
        }
    }
}
