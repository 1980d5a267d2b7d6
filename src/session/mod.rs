//! `AwsSession`: credentials, region, endpoint override and one shared HTTP agent.

mod env;
pub(crate) mod profile;
pub(crate) mod providers;

pub use crate::endpoint::config::StsRegionalEndpoints;
pub use env::Environment;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::endpoint::config::{resolve_settings, EndpointOverrides, EndpointSettings};
use crate::transport::http::{Transport, TransportSettings};
use crate::{Credentials, Error};
use profile::{Platform, ProfileSet, Section};

/// The configuration that STS clients share: where credentials come from, the region, an
/// optional endpoint override and one HTTP agent, so connections are reused across calls.
///
/// Cloning is cheap and clones share everything. A session built without credentials looks
/// for them only when the first signed call needs them, so a missing key is an error of that
/// call, not of building the session.
#[derive(Clone)]
pub struct AwsSession {
    inner: Arc<SessionInner>,
}

struct SessionInner {
    credentials: Option<Credentials>,
    region: Option<String>,
    endpoint: EndpointSettings,
    profiles: Arc<ProfileSet>,
    profile_name: String,
    environment: Environment,
    transport: Transport,
}

impl AwsSession {
    /// Starts a builder. Settings left unset are read from the environment when the session is
    /// built.
    pub fn builder() -> AwsSessionBuilder {
        AwsSessionBuilder::default()
    }

    /// Builds a session from the process environment: `AWS_REGION` (else
    /// `AWS_DEFAULT_REGION`), `AWS_ENDPOINT_URL_STS` (else `AWS_ENDPOINT_URL`), and, at the
    /// first signed call, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when a setting is malformed, such as an endpoint URL that is not
    /// `http://` or `https://`.
    pub fn from_env() -> Result<AwsSession, Error> {
        AwsSession::builder().build()
    }

    /// Returns the region, when one is configured.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// Returns the endpoint override, when one is configured.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.inner.endpoint.endpoint_url.as_deref()
    }

    /// Returns the name of the profile settings are read from: the builder's, else
    /// `AWS_PROFILE`, else `default`.
    pub fn profile_name(&self) -> &str {
        &self.inner.profile_name
    }

    pub(crate) fn endpoint_settings(&self) -> &EndpointSettings {
        &self.inner.endpoint
    }

    /// Returns the selected profile of the shared config and credentials files, if it exists.
    pub(crate) fn profile(&self) -> Option<&Section> {
        self.inner.profiles.profile(&self.inner.profile_name)
    }

    /// Returns every profile, `sso-session` and `services` section of the shared files.
    pub(crate) fn profiles(&self) -> &ProfileSet {
        &self.inner.profiles
    }

    /// Returns the environment this session reads its configuration from.
    pub fn environment(&self) -> &Environment {
        &self.inner.environment
    }

    /// Returns the credentials to sign with: the explicit ones, or those found in the
    /// environment.
    ///
    /// # Errors
    ///
    /// [`Error::Credentials`] when none are found or they are incomplete.
    pub fn credentials(&self) -> Result<Credentials, Error> {
        if let Some(credentials) = &self.inner.credentials {
            return Ok(credentials.clone());
        }
        providers::environment::credentials(&self.inner.environment)?.ok_or_else(|| {
            Error::credentials(
                "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, \
                 or pass credentials to AwsSession::builder()",
            )
        })
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }
}

impl fmt::Debug for AwsSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsSession")
            .field("credentials", &self.inner.credentials)
            .field("region", &self.inner.region)
            .field("endpoint", &self.inner.endpoint)
            .field("profile_name", &self.inner.profile_name)
            .field("environment", &self.inner.environment)
            .finish_non_exhaustive()
    }
}

/// Builder of [`AwsSession`]. Each setting overrides what the environment says.
#[derive(Debug, Default)]
pub struct AwsSessionBuilder {
    credentials: Option<Credentials>,
    region: Option<String>,
    profile_name: Option<String>,
    endpoint: EndpointOverrides,
    environment: Option<Environment>,
    transport: TransportSettings,
}

impl AwsSessionBuilder {
    /// Sets the credentials to sign with. Defaults to the credentials found in the environment.
    pub fn credentials(mut self, credentials: Credentials) -> AwsSessionBuilder {
        self.credentials = Some(credentials);
        self
    }

    /// Sets the region, such as `eu-west-1`. Defaults to `AWS_REGION`, then
    /// `AWS_DEFAULT_REGION`.
    pub fn region(mut self, region: impl Into<String>) -> AwsSessionBuilder {
        self.region = Some(region.into());
        self
    }

    /// Sets the URL to send STS requests to instead of the resolved endpoint. Defaults to
    /// `AWS_ENDPOINT_URL_STS`, then `AWS_ENDPOINT_URL`, then the profile's `services` section
    /// entry `sts = endpoint_url = ...`, then the profile's `endpoint_url`. A URL set here is
    /// used even when configured endpoint URLs are ignored.
    pub fn endpoint_url(mut self, endpoint_url: impl Into<String>) -> AwsSessionBuilder {
        self.endpoint.endpoint_url = Some(endpoint_url.into());
        self
    }

    /// Selects the profile of the shared config and credentials files. Defaults to
    /// `AWS_PROFILE`, then `default`.
    pub fn profile(mut self, name: impl Into<String>) -> AwsSessionBuilder {
        self.profile_name = Some(name.into());
        self
    }

    /// Sets whether to use the FIPS endpoint. Defaults to `AWS_USE_FIPS_ENDPOINT`, then the
    /// profile's `use_fips_endpoint`, then false.
    pub fn use_fips(mut self, use_fips: bool) -> AwsSessionBuilder {
        self.endpoint.use_fips = Some(use_fips);
        self
    }

    /// Sets whether to use the dual-stack (IPv4 and IPv6) endpoint. Defaults to
    /// `AWS_USE_DUALSTACK_ENDPOINT`, then the profile's `use_dualstack_endpoint`, then false.
    pub fn use_dual_stack(mut self, use_dual_stack: bool) -> AwsSessionBuilder {
        self.endpoint.use_dual_stack = Some(use_dual_stack);
        self
    }

    /// Sets whether the legacy STS regions use the global endpoint. Defaults to
    /// `AWS_STS_REGIONAL_ENDPOINTS`, then the profile's `sts_regional_endpoints`, then
    /// [`StsRegionalEndpoints::Regional`].
    pub fn sts_regional_endpoints(mut self, setting: StsRegionalEndpoints) -> AwsSessionBuilder {
        self.endpoint.sts_regional_endpoints = Some(setting);
        self
    }

    /// Sets whether endpoint URLs from the environment and the profile are ignored. Defaults
    /// to `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`, then the profile's
    /// `ignore_configured_endpoint_urls`, then false.
    pub fn ignore_configured_endpoint_urls(mut self, ignore: bool) -> AwsSessionBuilder {
        self.endpoint.ignore_configured_endpoint_urls = Some(ignore);
        self
    }

    /// Sets where configuration is read from. Defaults to [`Environment::process`].
    pub fn environment(mut self, environment: Environment) -> AwsSessionBuilder {
        self.environment = Some(environment);
        self
    }

    /// Sets the time allowed to open a connection. Defaults to 3.1 seconds.
    pub fn connect_timeout(mut self, timeout: Duration) -> AwsSessionBuilder {
        self.transport.connect_timeout = timeout;
        self
    }

    /// Sets the time allowed for one attempt: connecting, sending the request and reading the
    /// whole response. Defaults to 20 seconds.
    pub fn attempt_timeout(mut self, timeout: Duration) -> AwsSessionBuilder {
        self.transport.attempt_timeout = timeout;
        self
    }

    /// Builds the session, reading unset settings from the environment.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when a setting is malformed, such as an endpoint URL that is not
    /// `http://` or `https://`.
    pub fn build(self) -> Result<AwsSession, Error> {
        let environment = self.environment.unwrap_or_else(Environment::process);

        let profiles = load_profiles(&environment)?;
        let profile_name = match self.profile_name {
            Some(name) => name,
            None => environment
                .non_empty_var("AWS_PROFILE")
                .unwrap_or_else(|| "default".to_string()),
        };
        let profile = profiles.profile(&profile_name);

        let region = match self.region {
            Some(region) => Some(region),
            None => environment
                .non_empty_var("AWS_REGION")
                .or_else(|| environment.non_empty_var("AWS_DEFAULT_REGION"))
                .or_else(|| {
                    profile
                        .and_then(|profile| profile.get("region"))
                        .filter(|region| !region.is_empty())
                        .map(str::to_string)
                }),
        };
        if let Some(region) = &region {
            check_region(region)?;
        }

        let endpoint = resolve_settings(&self.endpoint, &environment, &profiles, profile)?;
        if let Some(url) = &endpoint.endpoint_url {
            check_endpoint_url(url)?;
        }

        Ok(AwsSession {
            inner: Arc::new(SessionInner {
                credentials: self.credentials,
                region,
                endpoint,
                profiles: Arc::new(profiles),
                profile_name,
                environment,
                transport: Transport::new(self.transport),
            }),
        })
    }
}

/// Reads the shared config and credentials files that the environment points to.
fn load_profiles(environment: &Environment) -> Result<ProfileSet, Error> {
    let vars = |name: &str| environment.var(name);
    profile::load(Platform::current(), &vars, environment.home_dir(), |path| {
        std::fs::read_to_string(path)
    })
    .map_err(|error| Error::config(error.to_string()))
}

/// Checks that a region can be a DNS label, as the endpoint rules require.
pub(crate) fn check_region(region: &str) -> Result<(), Error> {
    let valid = !region.is_empty()
        && region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-');
    if valid {
        Ok(())
    } else {
        Err(Error::config(format!(
            "invalid region {region:?}: a region is a DNS label such as \"eu-west-1\" \
             (letters, digits and hyphens)"
        )))
    }
}

/// Checks that an endpoint override is an absolute `http://` or `https://` URL with a host.
pub(crate) fn check_endpoint_url(url: &str) -> Result<(), Error> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| {
            Error::config(format!(
                "invalid endpoint URL {url:?}: it must start with https:// or http://"
            ))
        })?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty() || rest.contains(['?', '#']) || url.chars().any(char::is_whitespace) {
        return Err(Error::config(format!(
            "invalid endpoint URL {url:?}: it must be a URL such as https://sts.example.com \
             with a host, no spaces, no query and no fragment"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_and_endpoint_from_environment() {
        let environment = Environment::empty()
            .with_var("AWS_DEFAULT_REGION", "eu-west-2")
            .with_var("AWS_ENDPOINT_URL", "http://127.0.0.1:1/")
            .with_var("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:2/");
        let session = AwsSession::builder()
            .environment(environment.clone())
            .build()
            .unwrap();
        assert_eq!(session.region(), Some("eu-west-2"));
        assert_eq!(session.endpoint_url(), Some("http://127.0.0.1:2/"));

        let session = AwsSession::builder()
            .environment(environment.with_var("AWS_REGION", "ap-south-1"))
            .region("us-west-2")
            .build()
            .unwrap();
        assert_eq!(session.region(), Some("us-west-2"));
    }

    #[test]
    fn missing_credentials_are_an_error_of_the_call() {
        let session = AwsSession::builder()
            .environment(Environment::empty())
            .build()
            .unwrap();
        let error = session.credentials().unwrap_err();
        assert!(matches!(error, Error::Credentials { .. }), "{error:?}");
    }

    #[test]
    fn bad_settings_are_config_errors() {
        for url in [
            "ftp://x",
            "sts.amazonaws.com",
            "http://",
            "http://a b",
            "https://x/?q=1",
        ] {
            let result = AwsSession::builder()
                .environment(Environment::empty())
                .endpoint_url(url)
                .build();
            assert!(matches!(result, Err(Error::Config { .. })), "{url}");
        }
        for region in ["", "us east 1", "-x", "eu_west_1"] {
            let result = AwsSession::builder()
                .environment(Environment::empty())
                .region(region)
                .build();
            assert!(matches!(result, Err(Error::Config { .. })), "{region}");
        }
    }
}
