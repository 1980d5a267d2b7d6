//! STS endpoint resolution.
//!
//! [`resolve`] evaluates the STS endpoint rule set that botocore ships, with
//! the partition data of botocore 1.44.8, to find the URL and the SigV4
//! signing scope of a client. The rule set is compiled into the crate as
//! static data, generated from its JSON by a test, so nothing is parsed at
//! run time.

pub(crate) mod config;
#[cfg(test)]
mod generate;
#[cfg(test)]
mod load;
mod partitions;
mod rules;
mod sts_rule_set;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use rules::Value;
use sts_rule_set::STS_RULE_SET;

/// The STS endpoint rule set, copied unmodified from boto/botocore
/// `botocore/data/sts/2011-06-15/endpoint-rule-set-1.json` at commit
/// 0e6e2404b85dc336dd2889814e089bde7d1a4c55 (Apache-2.0). The tests
/// generate `sts_rule_set.rs` from it.
#[cfg(test)]
const STS_RULE_SET_JSON: &str = include_str!("sts-endpoint-rule-set-1.json");

/// Signing name used when the resolved endpoint names none.
const DEFAULT_SIGNING_NAME: &str = "sts";

/// The parameters of the STS endpoint rule set.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct EndpointParams<'a> {
    /// `Region` (built-in `AWS::Region`), such as `us-east-1`.
    pub region: Option<&'a str>,
    /// `UseFIPS` (built-in `AWS::UseFIPS`).
    pub use_fips: bool,
    /// `UseDualStack` (built-in `AWS::UseDualStack`).
    pub use_dual_stack: bool,
    /// `Endpoint` (built-in `SDK::Endpoint`): a URL that replaces the
    /// resolved one. It cannot be combined with FIPS or dual-stack.
    pub endpoint: Option<&'a str>,
    /// `UseGlobalEndpoint` (built-in `AWS::STS::UseGlobalEndpoint`): send
    /// requests for the regions that STS served from its global endpoint
    /// before it became regional, and for `aws-global`, to
    /// `https://sts.amazonaws.com`.
    pub use_global_endpoint: bool,
}

/// The endpoint that STS requests go to, and how to sign them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ResolvedEndpoint {
    pub url: String,
    /// SigV4 signing region: the one the rules give, else the `Region`
    /// parameter. `None` only for a custom endpoint without a region.
    pub signing_region: Option<String>,
    /// SigV4 signing name: the one the rules give, else `sts`.
    pub signing_name: String,
}

/// A failed endpoint resolution. Its message is the rule set's own error
/// message when an error rule matched, such as
/// `Invalid Configuration: Missing Region`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub(crate) struct EndpointError {
    message: String,
}

impl EndpointError {
    fn new(message: impl Into<String>) -> Self {
        EndpointError {
            message: message.into(),
        }
    }
}

/// Resolves the STS endpoint for `params`.
pub(crate) fn resolve(params: &EndpointParams<'_>) -> Result<ResolvedEndpoint, EndpointError> {
    let endpoint = STS_RULE_SET.evaluate(&rule_inputs(params))?;

    // This client sends no headers from the endpoint, so it rejects an
    // endpoint that needs some. No rule of the current STS rule set sets any.
    if !endpoint.headers.is_empty() {
        return Err(EndpointError::new(format!(
            "the STS endpoint rules require the headers {:?} for {}, which this client does not send",
            endpoint.headers, endpoint.url
        )));
    }

    let auth_scheme = sigv4_auth_scheme(&endpoint.properties);
    let auth_field = |name: &str| auth_scheme.and_then(|scheme| scheme.get(name)?.as_str());
    let signing_region = auth_field("signingRegion")
        .or(params.region)
        .map(str::to_owned);
    let signing_name = auth_field("signingName")
        .unwrap_or(DEFAULT_SIGNING_NAME)
        .to_owned();

    log::debug!(
        "resolved STS endpoint {} with signing region {:?} and signing name {}",
        endpoint.url,
        signing_region,
        signing_name
    );
    Ok(ResolvedEndpoint {
        url: endpoint.url,
        signing_region,
        signing_name,
    })
}

/// Pairs each rule-set parameter name with its value from `params`.
fn rule_inputs<'a>(params: &EndpointParams<'a>) -> [(&'static str, Option<Value<'a>>); 5] {
    let string = |value: Option<&'a str>| value.map(|text| Value::String(Cow::Borrowed(text)));
    [
        ("Region", string(params.region)),
        ("UseFIPS", Some(Value::Bool(params.use_fips))),
        ("UseDualStack", Some(Value::Bool(params.use_dual_stack))),
        ("Endpoint", string(params.endpoint)),
        (
            "UseGlobalEndpoint",
            Some(Value::Bool(params.use_global_endpoint)),
        ),
    ]
}

/// Returns the `sigv4` entry of the endpoint's `authSchemes` property.
/// Entries for other schemes are skipped, which is what the rules engine
/// specification prescribes for a client that signs with SigV4.
fn sigv4_auth_scheme<'v, 'a>(properties: &'v Value<'a>) -> Option<&'v Value<'a>> {
    match properties.get("authSchemes")? {
        Value::Array(schemes) => schemes
            .iter()
            .find(|scheme| scheme.get("name").and_then(Value::as_str) == Some("sigv4")),
        _ => None,
    }
}
