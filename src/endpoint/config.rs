//! The endpoint settings of a session, read from the builder, the environment and the profile
//! with the precedence the AWS SDKs use.

use crate::session::profile::{ProfileSet, Section};
use crate::session::Environment;
use crate::Error;

/// The service id that names STS in `AWS_ENDPOINT_URL_STS` and in `[services]` sections.
const SERVICE_KEY: &str = "sts";

/// Endpoint settings given on the session builder; `None` means "read it from the
/// environment and the profile".
#[derive(Debug, Clone, Default)]
pub(crate) struct EndpointOverrides {
    pub(crate) endpoint_url: Option<String>,
    pub(crate) use_fips: Option<bool>,
    pub(crate) use_dual_stack: Option<bool>,
    pub(crate) sts_regional_endpoints: Option<StsRegionalEndpoints>,
    pub(crate) ignore_configured_endpoint_urls: Option<bool>,
}

/// Whether the legacy STS regions use the global endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StsRegionalEndpoints {
    /// Every region uses its own regional endpoint. The default.
    #[default]
    Regional,
    /// The regions that STS served from `sts.amazonaws.com` before it became regional keep
    /// using that global endpoint, signed for `us-east-1`.
    Legacy,
}

/// The resolved endpoint settings of a session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct EndpointSettings {
    pub(crate) endpoint_url: Option<String>,
    pub(crate) use_fips: bool,
    pub(crate) use_dual_stack: bool,
    pub(crate) sts_regional_endpoints: StsRegionalEndpoints,
}

/// Resolves each setting: the builder first, then the environment, then the profile.
///
/// The endpoint URL follows the configured-endpoint precedence: the builder's URL, then
/// `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the profile's `[services]` section entry
/// `sts = endpoint_url = ...`, and the profile's `endpoint_url`. All but the builder's are
/// skipped when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the profile's
/// `ignore_configured_endpoint_urls`, or the builder) is true.
pub(crate) fn resolve_settings(
    overrides: &EndpointOverrides,
    environment: &Environment,
    profiles: &ProfileSet,
    profile: Option<&Section>,
) -> Result<EndpointSettings, Error> {
    let use_fips = match overrides.use_fips {
        Some(value) => value,
        None => boolean_setting(
            environment,
            profile,
            "AWS_USE_FIPS_ENDPOINT",
            "use_fips_endpoint",
        )?
        .unwrap_or(false),
    };
    let use_dual_stack = match overrides.use_dual_stack {
        Some(value) => value,
        None => boolean_setting(
            environment,
            profile,
            "AWS_USE_DUALSTACK_ENDPOINT",
            "use_dualstack_endpoint",
        )?
        .unwrap_or(false),
    };
    let sts_regional_endpoints = match overrides.sts_regional_endpoints {
        Some(value) => value,
        None => regional_setting(environment, profile)?,
    };

    let ignore_configured = match overrides.ignore_configured_endpoint_urls {
        Some(value) => value,
        None => boolean_setting(
            environment,
            profile,
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
            "ignore_configured_endpoint_urls",
        )?
        .unwrap_or(false),
    };
    let endpoint_url = match &overrides.endpoint_url {
        Some(url) => Some(url.clone()),
        None if ignore_configured => None,
        None => configured_endpoint_url(environment, profiles, profile),
    };

    Ok(EndpointSettings {
        endpoint_url,
        use_fips,
        use_dual_stack,
        sts_regional_endpoints,
    })
}

fn configured_endpoint_url(
    environment: &Environment,
    profiles: &ProfileSet,
    profile: Option<&Section>,
) -> Option<String> {
    if let Some(url) = environment.non_empty_var("AWS_ENDPOINT_URL_STS") {
        return Some(url);
    }
    if let Some(url) = environment.non_empty_var("AWS_ENDPOINT_URL") {
        return Some(url);
    }
    let profile = profile?;
    let from_services = profile
        .get("services")
        .and_then(|name| profiles.services(name))
        .and_then(|services| services.get_sub(SERVICE_KEY, "endpoint_url"))
        .filter(|url| !url.is_empty());
    from_services
        .or_else(|| profile.get("endpoint_url").filter(|url| !url.is_empty()))
        .map(str::to_string)
}

/// Reads a `true`/`false` setting from a variable, else from a profile property.
fn boolean_setting(
    environment: &Environment,
    profile: Option<&Section>,
    variable: &str,
    property: &str,
) -> Result<Option<bool>, Error> {
    if let Some(value) = environment.non_empty_var(variable) {
        return parse_boolean(&value).map(Some).ok_or_else(|| {
            Error::config(format!(
                "invalid {variable} value {value:?}: use \"true\" or \"false\""
            ))
        });
    }
    match profile
        .and_then(|profile| profile.get(property))
        .filter(|value| !value.is_empty())
    {
        None => Ok(None),
        Some(value) => parse_boolean(value).map(Some).ok_or_else(|| {
            Error::config(format!(
                "invalid {property} value {value:?} in the profile: use \"true\" or \"false\""
            ))
        }),
    }
}

fn parse_boolean(value: &str) -> Option<bool> {
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn regional_setting(
    environment: &Environment,
    profile: Option<&Section>,
) -> Result<StsRegionalEndpoints, Error> {
    let (value, source) = match environment.non_empty_var("AWS_STS_REGIONAL_ENDPOINTS") {
        Some(value) => (value, "AWS_STS_REGIONAL_ENDPOINTS"),
        None => match profile
            .and_then(|profile| profile.get("sts_regional_endpoints"))
            .filter(|v| !v.is_empty())
        {
            Some(value) => (value.to_string(), "sts_regional_endpoints in the profile"),
            None => return Ok(StsRegionalEndpoints::Regional),
        },
    };
    if value.eq_ignore_ascii_case("regional") {
        Ok(StsRegionalEndpoints::Regional)
    } else if value.eq_ignore_ascii_case("legacy") {
        Ok(StsRegionalEndpoints::Legacy)
    } else {
        Err(Error::config(format!(
            "invalid {source} value {value:?}: use \"regional\" or \"legacy\""
        )))
    }
}
