//! `AwsSession`: credentials, region, endpoint override and one shared HTTP agent.

mod cache;
mod chain;
mod env;
pub(crate) mod profile;
pub(crate) mod providers;

pub use crate::endpoint::config::StsRegionalEndpoints;
pub use env::Environment;

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use crate::endpoint::config::{resolve_settings, EndpointOverrides, EndpointSettings};
use crate::transport::http::{Transport, TransportSettings};
use crate::transport::proxy::ProxySettings;
use crate::transport::retry::RetryMode;
use crate::transport::settings::{
    resolve_ca_bundle, resolve_retry_config, ProfileReliabilitySettings, ReliabilityOverrides,
};
use crate::transport::signing::SigningKeyCache;
use crate::transport::{tls, Reliability};
use crate::{Credentials, Error};
use chain::DefaultChain;
use profile::{Platform, ProfileSet, Section};
use providers::http::EndpointClient;
use providers::imds::Imds;
use providers::Lookup;

/// The callback of [`AwsSessionBuilder::mfa_token_provider`].
type MfaCallback = dyn Fn(&str) -> std::io::Result<String> + Send + Sync;

/// The callback that returns a one-time code for an MFA device serial number or ARN.
#[derive(Clone)]
pub(crate) struct MfaTokenProvider(Arc<MfaCallback>);

impl MfaTokenProvider {
    /// Asks the callback for a code for the device `serial`.
    pub(crate) fn code(&self, serial: &str) -> std::io::Result<String> {
        (self.0)(serial)
    }
}

impl fmt::Debug for MfaTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MfaTokenProvider")
    }
}

/// The configuration that STS clients share: where credentials come from, the region, an
/// optional endpoint override and one HTTP agent, so connections are reused across calls.
///
/// Cloning is cheap and clones share everything, including cached temporary credentials. A
/// session built without credentials looks for them only when the first signed call needs
/// them, so a missing key is an error of that call, not of building the session. It is
/// `Send` and `Sync`; see [`AwsSession::credentials`] for the sources and refresh rules.
#[derive(Clone)]
pub struct AwsSession {
    inner: Arc<SessionInner>,
}

/// The source of a session's credentials.
enum CredentialsSetting {
    /// Given on the builder; never refreshed.
    Explicit(Credentials),
    /// The default chain with its cache.
    Chain(Box<DefaultChain>),
    /// None: the session of an unsigned call made inside the chain.
    Unsigned,
}

struct SessionInner {
    credentials: CredentialsSetting,
    mfa_token_provider: Option<MfaTokenProvider>,
    endpoint_client: OnceLock<EndpointClient>,
    region: Option<String>,
    endpoint: EndpointSettings,
    profiles: Arc<ProfileSet>,
    profile_name: String,
    /// Whether the builder selected the profile, which makes the chain skip the environment
    /// keys.
    profile_from_builder: bool,
    environment: Environment,
    transport: Transport,
    /// The last SigV4 signing key derived for this session's credentials.
    signing_keys: SigningKeyCache,
    /// Shared with the sessions that the credential chain derives for its STS calls, so they
    /// use the same retry quota and clock offset.
    reliability: Arc<Reliability>,
}

impl AwsSession {
    /// Starts a builder. Settings left unset are read from the environment when the session is
    /// built.
    pub fn builder() -> AwsSessionBuilder {
        AwsSessionBuilder::default()
    }

    /// Builds a session from the process environment and the shared config and credentials
    /// files, as the AWS CLI reads them.
    ///
    /// The region comes from `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, then
    /// the EC2 instance metadata service unless `AWS_EC2_METADATA_DISABLED=true`. Credentials
    /// come from the default chain at the first signed call (see
    /// [`AwsSession::credentials`]).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when a setting or a shared file is malformed, such as an endpoint URL
    /// that is not `http://` or `https://`.
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

    /// Returns the current credentials: the builder's, or those of the first configured
    /// source of the default chain, loading or refreshing them as needed.
    ///
    /// The chain's sources, in order: `AWS_ACCESS_KEY_ID` and the related variables (skipped
    /// when [`AwsSessionBuilder::profile`] selects the profile); the selected profile of the shared files (static keys, roles assumed through
    /// `source_profile` or `credential_source`, `web_identity_token_file`,
    /// `credential_process`, SSO); web identity from `AWS_WEB_IDENTITY_TOKEN_FILE` and
    /// `AWS_ROLE_ARN`; the container endpoint; EC2 instance metadata (IMDSv2). The source
    /// found first is used for every later refresh.
    ///
    /// Temporary credentials are cached and shared by every clone of the session. They are
    /// refreshed once less than a quarter of their lifetime remains (at most 15 minutes
    /// before they expire), by one thread while the others keep using the current ones. A
    /// failed refresh keeps the current credentials and is retried with backoff. The chain
    /// never returns credentials within 10 seconds of their expiration, and explicit
    /// credentials are rejected once expired.
    ///
    /// # Errors
    ///
    /// [`Error::Credentials`] when no source is configured (the message lists each source
    /// and why it gave nothing), when the configured source fails (with the cause, such as an
    /// STS error, as its source), or when explicit credentials have expired. [`Error::Config`]
    /// when the profile's credential settings are wrong.
    pub fn credentials(&self) -> Result<Credentials, Error> {
        match &self.inner.credentials {
            CredentialsSetting::Explicit(credentials) => {
                check_explicit_not_expired(credentials, self.environment().now())?;
                Ok(credentials.clone())
            }
            CredentialsSetting::Chain(chain) => chain.credentials(self),
            CredentialsSetting::Unsigned => Err(Error::credentials(
                "this internal session makes unsigned calls only and has no credentials",
            )),
        }
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    pub(crate) fn signing_keys(&self) -> &SigningKeyCache {
        &self.inner.signing_keys
    }

    /// Returns a session with the same settings and transport but the given fixed
    /// credentials, or none for unsigned calls: the session that the chain's STS calls use.
    pub(crate) fn with_credentials(&self, credentials: Option<Credentials>) -> AwsSession {
        let inner = &self.inner;
        AwsSession {
            inner: Arc::new(SessionInner {
                credentials: match credentials {
                    Some(credentials) => CredentialsSetting::Explicit(credentials),
                    None => CredentialsSetting::Unsigned,
                },
                mfa_token_provider: None,
                endpoint_client: inner.endpoint_client.clone(),
                region: inner.region.clone(),
                endpoint: inner.endpoint.clone(),
                profiles: Arc::clone(&inner.profiles),
                profile_name: inner.profile_name.clone(),
                profile_from_builder: inner.profile_from_builder,
                environment: inner.environment.clone(),
                transport: inner.transport.clone(),
                signing_keys: SigningKeyCache::default(),
                reliability: Arc::clone(&inner.reliability),
            }),
        }
    }

    /// Returns the agent for the container, instance metadata and SSO endpoints.
    pub(crate) fn endpoint_client(&self) -> &EndpointClient {
        self.inner.endpoint_client.get_or_init(EndpointClient::new)
    }

    /// Returns whether the profile was selected on the builder rather than by `AWS_PROFILE`
    /// or by default.
    pub(crate) fn profile_from_builder(&self) -> bool {
        self.inner.profile_from_builder
    }

    pub(crate) fn mfa_token_provider(&self) -> Option<&MfaTokenProvider> {
        self.inner.mfa_token_provider.as_ref()
    }

    /// Returns a non-empty property of the selected profile.
    pub(crate) fn profile_value(&self, key: &str) -> Option<String> {
        self.profile()
            .and_then(|profile| profile.get(key))
            .filter(|value| !value.is_empty())
            .map(str::to_string)
    }

    /// Returns the maximum number of attempts per call, the first one included.
    pub fn max_attempts(&self) -> u32 {
        self.inner.reliability.retry.max_attempts
    }

    /// Returns the retry mode.
    pub fn retry_mode(&self) -> RetryMode {
        self.inner.reliability.retry.mode
    }

    /// Returns the offset added to the clock when signing: zero until STS rejects a request
    /// for its time with a `Date` header more than 4 minutes away from the local clock, then
    /// the server's time minus the local time. Clones of the session share it.
    pub fn clock_offset(&self) -> time::Duration {
        self.inner.reliability.clock_offset.get()
    }

    pub(crate) fn reliability(&self) -> &Reliability {
        &self.inner.reliability
    }
}

/// Rejects explicit credentials that have expired, so a request is not signed with them.
fn check_explicit_not_expired(credentials: &Credentials, now: SystemTime) -> Result<(), Error> {
    match credentials.expiration() {
        Some(expiration) if cache::expiration_time(expiration).is_some_and(|at| at <= now) => {
            Err(Error::credentials(format!(
                "the credentials given to AwsSession::builder() (access key {}) expired at \
             {expiration}; pass fresh ones, or leave them out to use the default chain, which \
             refreshes",
                credentials.access_key_id()
            )))
        }
        _ => Ok(()),
    }
}

impl fmt::Debug for AwsSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials: &dyn fmt::Debug = match &self.inner.credentials {
            CredentialsSetting::Explicit(credentials) => credentials,
            CredentialsSetting::Chain(_) => &"default chain",
            CredentialsSetting::Unsigned => &"none",
        };
        f.debug_struct("AwsSession")
            .field("credentials", credentials)
            .field("region", &self.inner.region)
            .field("endpoint", &self.inner.endpoint)
            .field("profile_name", &self.inner.profile_name)
            .field("environment", &self.inner.environment)
            .finish_non_exhaustive()
    }
}

/// Builder of [`AwsSession`]. Each setting overrides the environment and the profile.
#[derive(Debug, Default)]
pub struct AwsSessionBuilder {
    credentials: Option<Credentials>,
    mfa_token_provider: Option<MfaTokenProvider>,
    region: Option<String>,
    profile_name: Option<String>,
    endpoint: EndpointOverrides,
    environment: Option<Environment>,
    transport: TransportSettings,
    reliability: ReliabilityOverrides,
}

impl AwsSessionBuilder {
    /// Sets the credentials to sign with; they are never refreshed. Defaults to the default
    /// chain described at [`AwsSession::credentials`].
    pub fn credentials(mut self, credentials: Credentials) -> AwsSessionBuilder {
        self.credentials = Some(credentials);
        self
    }

    /// Sets the region, such as `eu-west-1`. Defaults to `AWS_REGION`, then
    /// `AWS_DEFAULT_REGION`, then the profile's `region`, then the EC2 instance metadata
    /// service when it is enabled.
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
    ///
    /// A profile selected here also makes the default chain skip `AWS_ACCESS_KEY_ID` and the
    /// related variables, as botocore does for a profile passed to its session (and the AWS
    /// CLI for `--profile`): the program asked for this profile, so keys left in the
    /// environment do not silently win, and `credential_source = Environment` can use them.
    /// A profile selected by `AWS_PROFILE` comes after the environment keys, as in every SDK.
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

    /// Sets the callback that returns a one-time MFA code for a profile with `mfa_serial`. It
    /// receives the serial number (or ARN) of the MFA device and is called again on every
    /// refresh, because each code is valid once. Without one, such profiles fail with
    /// [`Error::Credentials`].
    pub fn mfa_token_provider(
        mut self,
        provider: impl Fn(&str) -> std::io::Result<String> + Send + Sync + 'static,
    ) -> AwsSessionBuilder {
        self.mfa_token_provider = Some(MfaTokenProvider(Arc::new(provider)));
        self
    }

    /// Sets where configuration is read from. Defaults to [`Environment::process`].
    pub fn environment(mut self, environment: Environment) -> AwsSessionBuilder {
        self.environment = Some(environment);
        self
    }

    /// Sets the time allowed to open a connection. Defaults to 3.1 seconds.
    ///
    /// A zero duration is rejected by [`build`](AwsSessionBuilder::build).
    pub fn connect_timeout(mut self, timeout: Duration) -> AwsSessionBuilder {
        self.transport.connect_timeout = timeout;
        self
    }

    /// Sets the time allowed for one attempt: connecting, sending the request and reading the
    /// whole response. Defaults to 20 seconds. A zero duration is rejected by
    /// [`build`](AwsSessionBuilder::build).
    pub fn attempt_timeout(mut self, timeout: Duration) -> AwsSessionBuilder {
        self.transport.attempt_timeout = timeout;
        self
    }

    /// Sets the maximum number of attempts per call, the first one included; 1 turns retries
    /// off. Defaults to `AWS_MAX_ATTEMPTS`, then the profile's `max_attempts`, then 3.
    pub fn max_attempts(mut self, max_attempts: u32) -> AwsSessionBuilder {
        self.reliability.max_attempts = Some(max_attempts);
        self
    }

    /// Sets the retry mode. Defaults to `AWS_RETRY_MODE`, then the profile's `retry_mode`,
    /// then [`RetryMode::Standard`].
    pub fn retry_mode(mut self, mode: RetryMode) -> AwsSessionBuilder {
        self.reliability.retry_mode = Some(mode);
        self
    }

    /// Sets the largest backoff before the first retry. The backoff doubles with each retry up
    /// to 20 seconds, and the actual wait is a random fraction of it (full jitter). Defaults
    /// to 1 second, as in the AWS SDKs.
    pub fn initial_backoff(mut self, backoff: Duration) -> AwsSessionBuilder {
        self.reliability.initial_backoff = Some(backoff);
        self
    }

    /// Sets a PEM file of CA certificates that replace the default roots (Mozilla's, through
    /// webpki-roots) for verifying STS's certificate, as the AWS CLI's `--ca-bundle` does.
    /// Defaults to `AWS_CA_BUNDLE`, then the profile's `ca_bundle`.
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> AwsSessionBuilder {
        self.reliability.ca_bundle = Some(path.into());
        self
    }

    /// Builds the session, reading unset settings from the environment.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when a setting is malformed, such as an endpoint URL that is not
    /// `http://` or `https://`, a maximum number of attempts of 0, a proxy URL that cannot be
    /// parsed, or a CA bundle that cannot be read.
    pub fn build(self) -> Result<AwsSession, Error> {
        for (name, timeout) in [
            ("connect_timeout", self.transport.connect_timeout),
            ("attempt_timeout", self.transport.attempt_timeout),
        ] {
            if timeout.is_zero() {
                return Err(Error::config(format!(
                    "invalid {name}: it is zero; give a positive duration such as 5 seconds"
                )));
            }
        }
        let environment = self.environment.unwrap_or_else(Environment::process);

        let profiles = load_profiles(&environment)?;
        let profile_from_builder = self.profile_name.is_some();
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
        let endpoint_client = OnceLock::new();
        let region = match region {
            Some(region) => Some(region),
            None => instance_region(&environment, profile, &endpoint_client)?,
        };
        if let Some(region) = &region {
            check_region(region)?;
        }

        let endpoint = resolve_settings(&self.endpoint, &environment, &profiles, profile)?;
        if let Some(url) = &endpoint.endpoint_url {
            check_endpoint_url(url)?;
        }

        let profile_setting = |name: &str| profile.and_then(|profile| profile.get(name));
        let profile_reliability = ProfileReliabilitySettings::from_profile(
            profile_setting("max_attempts"),
            profile_setting("retry_mode"),
            profile_setting("ca_bundle"),
        );
        let retry = resolve_retry_config(&self.reliability, &environment, profile_reliability)?;
        let mut transport = self.transport;
        transport.proxies = ProxySettings::from_environment(&environment)?;
        let ca_bundle = resolve_ca_bundle(&self.reliability, &environment, profile_reliability);
        if let Some(path) = ca_bundle {
            transport.root_certs = Some(tls::load_ca_bundle(&path)?);
        }

        Ok(AwsSession {
            inner: Arc::new(SessionInner {
                credentials: match self.credentials {
                    Some(credentials) => CredentialsSetting::Explicit(credentials),
                    None => CredentialsSetting::Chain(Box::default()),
                },
                mfa_token_provider: self.mfa_token_provider,
                endpoint_client,
                region,
                endpoint,
                profiles: Arc::new(profiles),
                profile_name,
                profile_from_builder,
                environment,
                transport: Transport::new(transport),
                signing_keys: SigningKeyCache::default(),
                reliability: Arc::new(Reliability::new(retry)),
            }),
        })
    }
}

/// Asks the instance metadata service for the region, when it is enabled. No response means no
/// region, but a malformed setting or response is an error.
fn instance_region(
    environment: &Environment,
    profile: Option<&Section>,
    endpoint_client: &OnceLock<EndpointClient>,
) -> Result<Option<String>, Error> {
    let profile_value = |key: &str| {
        profile
            .and_then(|profile| profile.get(key))
            .map(str::to_string)
    };
    let Lookup::Found(imds) = Imds::from_environment(environment, &profile_value)? else {
        return Ok(None);
    };
    match imds.region(endpoint_client.get_or_init(EndpointClient::new))? {
        Lookup::Found(region) => Ok(Some(region)),
        Lookup::NotFound(reason) => {
            log::debug!("no region from the instance metadata service: {reason}");
            Ok(None)
        }
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
            invalid_endpoint_url(
                url,
                "it must start with https:// or http:// (in lower case)",
            )
        })?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(invalid_endpoint_url(
            url,
            "user information (user:password@) is not supported; remove it",
        ));
    }
    if rest.contains(['?', '#']) || url.chars().any(char::is_whitespace) {
        return Err(invalid_endpoint_url(
            url,
            "it must be a URL such as https://sts.example.com with no spaces, no query and no fragment",
        ));
    }

    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (host, after) = bracketed
                .split_once(']')
                .ok_or_else(|| invalid_endpoint_url(url, "an IPv6 host must be closed with ']'"))?;
            if !after.is_empty() && !after.starts_with(':') {
                return Err(invalid_endpoint_url(
                    url,
                    "only a :port may follow an IPv6 host",
                ));
            }
            (host, after.strip_prefix(':'))
        }
        None => match authority.rsplit_once(':') {
            Some((host, _)) if host.contains(':') => {
                return Err(invalid_endpoint_url(
                    url,
                    "an IPv6 host must be written in brackets, as in http://[::1]:4566",
                ));
            }
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Err(invalid_endpoint_url(url, "it has no host"));
    }
    if let Some(port) = port {
        // Leading zeros are allowed, as in `:080`, because HTTP clients read the port as a
        // number.
        let digits = port.trim_start_matches('0');
        let valid = !port.is_empty()
            && digits.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && digits
                .parse::<u32>()
                .is_ok_and(|number| (1..=65_535).contains(&number));
        if !valid {
            return Err(invalid_endpoint_url(
                url,
                &format!("port {port:?} is not a number from 1 to 65535"),
            ));
        }
    }
    Ok(())
}

/// Builds the error for a bad endpoint URL, leaving out any user information so a password in
/// the URL is never repeated.
fn invalid_endpoint_url(url: &str, problem: &str) -> Error {
    let url_without_user = match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            match rest[..authority_end].rfind('@') {
                Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    };
    Error::config(format!(
        "invalid endpoint URL {url_without_user:?}: {problem}"
    ))
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
            "http://127.0.0.1:99999",
            "http://127.0.0.1:65536",
            "http://127.0.0.1:abc",
            "http://127.0.0.1:",
            "http://127.0.0.1:0",
            "http://[::1",
            "http://[::1]x",
            "http://:80",
            "http://user:pass@127.0.0.1:1",
            "http://::1:4566/",
            "http://127.0.0.1:0000",
            "http://127.0.0.1:065536",
        ] {
            let result = AwsSession::builder()
                .environment(Environment::empty())
                .endpoint_url(url)
                .build();
            assert!(matches!(result, Err(Error::Config { .. })), "{url}");
        }
        for url in [
            "http://127.0.0.1:65535",
            "https://[::1]:8443/base",
            "http://localhost/",
            "http://127.0.0.1:080",
            "http://127.0.0.1:041037",
        ] {
            let result = AwsSession::builder()
                .environment(Environment::empty())
                .endpoint_url(url)
                .build();
            assert!(result.is_ok(), "{url}: {result:?}");
        }
        let error = AwsSession::builder()
            .environment(Environment::empty())
            .endpoint_url("http://user:hunter2@127.0.0.1:1")
            .build()
            .unwrap_err();
        assert!(!error.to_string().contains("hunter2"), "{error}");
        let unbracketed = AwsSession::builder()
            .environment(Environment::empty())
            .endpoint_url("http://::1:4566/")
            .build()
            .unwrap_err();
        assert!(
            unbracketed.to_string().contains("brackets"),
            "{unbracketed}"
        );
        let zero = AwsSession::builder()
            .environment(Environment::empty())
            .attempt_timeout(Duration::ZERO)
            .build();
        assert!(matches!(zero, Err(Error::Config { .. })), "{zero:?}");
        for region in ["", "us east 1", "-x", "eu_west_1"] {
            let result = AwsSession::builder()
                .environment(Environment::empty())
                .region(region)
                .build();
            assert!(matches!(result, Err(Error::Config { .. })), "{region}");
        }
    }
}
