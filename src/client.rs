//! `StsClient`: the caller-identity cache, role assumption and one method per operation.

use std::cell::Cell;
use std::marker::PhantomData;
use std::time::Duration;

use crate::endpoint::{self, EndpointParams};
use crate::invoke::{invoke, Target};
use crate::operations::{
    AssumeRoleOutput, AssumeRoleRequest, AssumeRoleWithSamlOutput, AssumeRoleWithSamlRequest,
    AssumeRoleWithWebIdentityOutput, AssumeRoleWithWebIdentityRequest, AssumeRootOutput,
    AssumeRootRequest, CallerIdentity, DecodeAuthorizationMessageOutput,
    DecodeAuthorizationMessageRequest, GetAccessKeyInfoOutput, GetAccessKeyInfoRequest,
    GetCallerIdentityOutput, GetCallerIdentityRequest, GetDelegatedAccessTokenOutput,
    GetDelegatedAccessTokenRequest, GetFederationTokenOutput, GetFederationTokenRequest,
    GetScopedCredentialsOutput, GetScopedCredentialsRequest, GetSessionTokenOutput,
    GetSessionTokenRequest, GetWebIdentityTokenOutput, GetWebIdentityTokenRequest,
};
use crate::session::AwsSession;
use crate::StsRegionalEndpoints;
use crate::{Credentials, Error};

/// The region STS uses when none is configured: the global endpoint, signed for `us-east-1`.
const GLOBAL_REGION: &str = "aws-global";

/// A blocking STS client.
///
/// It describes the caller and caches the answer, so repeated questions about the account,
/// ARN or user id cost one GetCallerIdentity call in all, and it assumes roles. The cache
/// sits behind `&mut self`: the type is `Send` but deliberately not `Sync`, so give each thread
/// its own client (clients built from clones of one [`AwsSession`] share its connections and
/// credentials).
///
/// ```compile_fail
/// fn assert_sync<T: Sync>() {}
/// assert_sync::<aws_sts_blocking::StsClient>();
/// ```
#[derive(Debug)]
pub struct StsClient {
    session: AwsSession,
    region: Option<String>,
    target: Target,
    account_id: Option<String>,
    identity: Option<CallerIdentity>,
    /// Makes the type `!Sync`: the client is meant for one thread at a time.
    _not_sync: PhantomData<Cell<()>>,
}

impl StsClient {
    /// Creates a client.
    ///
    /// `account_id`, when given, is returned by [`StsClient::get_account_id`] without a call.
    /// `region` overrides the session's region. Without a session, one is built with
    /// [`AwsSession::from_env`]. Nothing is sent until the first call.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the region or the environment's settings are malformed.
    pub fn new(
        account_id: Option<String>,
        region: Option<String>,
        session: Option<AwsSession>,
    ) -> Result<StsClient, Error> {
        let session = match session {
            Some(session) => session,
            None => AwsSession::from_env()?,
        };
        let region = region.or_else(|| session.region().map(str::to_string));
        if let Some(region) = &region {
            crate::session::check_region(region)?;
        }
        let target = resolve_target(region.as_deref(), &session)?;
        Ok(StsClient {
            session,
            region,
            target,
            account_id,
            identity: None,
            _not_sync: PhantomData,
        })
    }

    /// Returns the region the client was configured with, if any, without a call.
    pub fn get_region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Returns the endpoint URL the client sends requests to.
    pub fn endpoint(&self) -> &str {
        &self.target.url
    }

    /// Returns the region named in request signatures.
    pub fn signing_region(&self) -> &str {
        &self.target.signing_region
    }

    /// Returns the session the client uses.
    pub fn session(&self) -> &AwsSession {
        &self.session
    }

    /// Calls GetCallerIdentity and refreshes the cached identity.
    ///
    /// # Errors
    ///
    /// Any [`Error`] of the call.
    pub fn describe_caller(&mut self) -> Result<CallerIdentity, Error> {
        let identity = self
            .get_caller_identity(&GetCallerIdentityRequest::new())?
            .into_identity();
        self.identity = Some(identity.clone());
        Ok(identity)
    }

    /// Returns the account id given to [`StsClient::new`], else the caller's account from
    /// the cached identity, calling GetCallerIdentity once if nothing is cached.
    ///
    /// # Errors
    ///
    /// Any [`Error`] of the GetCallerIdentity call.
    pub fn get_account_id(&mut self) -> Result<&str, Error> {
        if self.account_id.is_some() {
            return Ok(self.account_id.as_deref().unwrap_or_default());
        }
        Ok(self.cached_identity()?.account())
    }

    /// Returns the caller's ARN, calling GetCallerIdentity once if nothing is cached.
    ///
    /// # Errors
    ///
    /// Any [`Error`] of the GetCallerIdentity call.
    pub fn get_user_arn(&mut self) -> Result<&str, Error> {
        Ok(self.cached_identity()?.arn())
    }

    /// Returns the caller's unique id, calling GetCallerIdentity once if nothing is cached.
    ///
    /// # Errors
    ///
    /// Any [`Error`] of the GetCallerIdentity call.
    pub fn get_user_id(&mut self) -> Result<&str, Error> {
        Ok(self.cached_identity()?.user_id())
    }

    /// Assumes `role_arn` for `duration` and returns the temporary credentials.
    ///
    /// `duration` must be whole seconds from 900 to 43200; the role's maximum session
    /// duration may be lower.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an ARN, session name or duration the STS model rejects,
    /// before anything is sent; otherwise any [`Error`] of the AssumeRole call.
    pub fn get_cred_from_assume_role(
        &mut self,
        role_arn: &str,
        role_session_name: &str,
        duration: Duration,
    ) -> Result<Credentials, Error> {
        let seconds = duration_seconds(duration)?;
        let request = AssumeRoleRequest::new(role_arn, role_session_name).duration_seconds(seconds);
        Ok(self.assume_role(&request)?.into_credentials())
    }

    /// Calls GetCallerIdentity.
    ///
    /// # Errors
    ///
    /// Any [`Error`] of the call.
    pub fn get_caller_identity(
        &self,
        request: &GetCallerIdentityRequest,
    ) -> Result<GetCallerIdentityOutput, Error> {
        invoke(&self.session, &self.target, request)
    }

    /// Calls AssumeRole.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before sending when a member breaks the STS model; otherwise
    /// any [`Error`] of the call.
    pub fn assume_role(&self, request: &AssumeRoleRequest) -> Result<AssumeRoleOutput, Error> {
        invoke(&self.session, &self.target, request)
    }

    /// Calls AssumeRoleWithSAML. The request is sent unsigned: it needs no AWS credentials and
    /// never looks for any.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before sending when a member breaks the STS model; otherwise
    /// any [`Error`] of the call.
    pub fn assume_role_with_saml(
        &self,
        request: &AssumeRoleWithSamlRequest,
    ) -> Result<AssumeRoleWithSamlOutput, Error> {
        invoke(&self.session, &self.target, request)
    }

    /// Calls AssumeRoleWithWebIdentity. The request is sent unsigned: it needs no AWS
    /// credentials and never looks for any.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before sending when a member breaks the STS model; otherwise
    /// any [`Error`] of the call.
    pub fn assume_role_with_web_identity(
        &self,
        request: &AssumeRoleWithWebIdentityRequest,
    ) -> Result<AssumeRoleWithWebIdentityOutput, Error> {
        invoke(&self.session, &self.target, request)
    }

    /// Calls AssumeRoot. STS serves it only on regional endpoints, so configure a region.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before sending when a member breaks the STS model; otherwise
    /// any [`Error`] of the call.
    pub fn assume_root(&self, request: &AssumeRootRequest) -> Result<AssumeRootOutput, Error> {
        invoke(&self.session, &self.target, request)
    }

    /// Calls DecodeAuthorizationMessage.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before sending when a member breaks the STS model; otherwise
    /// any [`Error`] of the call.
    pub fn decode_authorization_message(
        &self,
        request: &DecodeAuthorizationMessageRequest,
    ) -> Result<DecodeAuthorizationMessageOutput, Error> {
        invoke(&self.session, &self.target, request)
    }

    /// Calls GetAccessKeyInfo.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before sending when a member breaks the STS model; otherwise
    /// any [`Error`] of the call.
    pub fn get_access_key_info(
        &self,
        request: &GetAccessKeyInfoRequest,
    ) -> Result<GetAccessKeyInfoOutput, Error> {
        invoke(&self.session, &self.target, request)
    }

    /// Calls GetDelegatedAccessToken.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before sending when a member breaks the STS model; otherwise
    /// any [`Error`] of the call.
    pub fn get_delegated_access_token(
        &self,
        request: &GetDelegatedAccessTokenRequest,
    ) -> Result<GetDelegatedAccessTokenOutput, Error> {
        invoke(&self.session, &self.target, request)
    }

    /// Calls GetFederationToken.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before sending when a member breaks the STS model; otherwise
    /// any [`Error`] of the call.
    pub fn get_federation_token(
        &self,
        request: &GetFederationTokenRequest,
    ) -> Result<GetFederationTokenOutput, Error> {
        invoke(&self.session, &self.target, request)
    }

    /// Calls GetScopedCredentials.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before sending when a member breaks the STS model; otherwise
    /// any [`Error`] of the call.
    pub fn get_scoped_credentials(
        &self,
        request: &GetScopedCredentialsRequest,
    ) -> Result<GetScopedCredentialsOutput, Error> {
        invoke(&self.session, &self.target, request)
    }

    /// Calls GetSessionToken.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before sending when a member breaks the STS model; otherwise
    /// any [`Error`] of the call.
    pub fn get_session_token(
        &self,
        request: &GetSessionTokenRequest,
    ) -> Result<GetSessionTokenOutput, Error> {
        invoke(&self.session, &self.target, request)
    }

    /// Calls GetWebIdentityToken.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] before sending when a member breaks the STS model; otherwise
    /// any [`Error`] of the call.
    pub fn get_web_identity_token(
        &self,
        request: &GetWebIdentityTokenRequest,
    ) -> Result<GetWebIdentityTokenOutput, Error> {
        invoke(&self.session, &self.target, request)
    }

    fn cached_identity(&mut self) -> Result<&CallerIdentity, Error> {
        if self.identity.is_none() {
            self.describe_caller()?;
        }
        self.identity
            .as_ref()
            .ok_or_else(|| Error::credentials("the caller identity could not be cached"))
    }
}

/// Converts a duration to whole seconds within the AssumeRole range.
fn duration_seconds(duration: Duration) -> Result<i32, Error> {
    if duration.subsec_nanos() != 0 {
        return Err(Error::invalid_input(
            "DurationSeconds",
            format!("{duration:?} is not a whole number of seconds; use 900 to 43200 seconds"),
        ));
    }
    let seconds = duration.as_secs();
    if !(900..=43_200).contains(&seconds) {
        return Err(Error::invalid_input(
            "DurationSeconds",
            format!("{seconds} seconds is out of range; use 900 to 43200 seconds"),
        ));
    }
    Ok(seconds as i32)
}

/// Resolves the URL and signing region with the STS endpoint rules.
///
/// No region means `aws-global`, as in botocore: the global endpoint, signed for `us-east-1`.
/// A custom endpoint without a region is signed for `us-east-1` too.
fn resolve_target(region: Option<&str>, session: &AwsSession) -> Result<Target, Error> {
    let settings = session.endpoint_settings();
    let region = region.unwrap_or(GLOBAL_REGION);
    let params = EndpointParams {
        region: Some(region),
        use_fips: settings.use_fips,
        use_dual_stack: settings.use_dual_stack,
        endpoint: settings.endpoint_url.as_deref(),
        use_global_endpoint: settings.sts_regional_endpoints == StsRegionalEndpoints::Legacy,
    };
    let endpoint = endpoint::resolve(&params).map_err(|error| {
        Error::config(format!(
            "cannot resolve the STS endpoint for region {region:?} with FIPS {}, dual-stack {} \
             and endpoint URL {}: {error}",
            on_off(settings.use_fips),
            on_off(settings.use_dual_stack),
            settings.endpoint_url.as_deref().unwrap_or("unset"),
        ))
    })?;
    let signing_region = match endpoint.signing_region.as_deref() {
        None | Some(GLOBAL_REGION) => "us-east-1".to_string(),
        Some(signing_region) => signing_region.to_string(),
    };
    Ok(Target {
        url: endpoint.url,
        signing_region,
    })
}

fn on_off(value: bool) -> &'static str {
    if value {
        "on"
    } else {
        "off"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Environment;

    fn client(region: Option<&str>, endpoint_url: Option<&str>) -> StsClient {
        let mut builder = AwsSession::builder().environment(Environment::empty());
        if let Some(url) = endpoint_url {
            builder = builder.endpoint_url(url);
        }
        StsClient::new(
            None,
            region.map(str::to_string),
            Some(builder.build().unwrap()),
        )
        .unwrap()
    }

    #[test]
    fn endpoint_and_signing_region() {
        let cases = [
            (None, None, "https://sts.amazonaws.com", "us-east-1"),
            (
                Some("eu-west-1"),
                None,
                "https://sts.eu-west-1.amazonaws.com",
                "eu-west-1",
            ),
            (
                Some("cn-north-1"),
                None,
                "https://sts.cn-north-1.amazonaws.com.cn",
                "cn-north-1",
            ),
            (
                None,
                Some("http://127.0.0.1:9"),
                "http://127.0.0.1:9",
                "us-east-1",
            ),
            (
                Some("ap-south-1"),
                Some("http://127.0.0.1:9"),
                "http://127.0.0.1:9",
                "ap-south-1",
            ),
        ];
        for (region, url, expected_url, expected_region) in cases {
            let client = client(region, url);
            assert_eq!(client.endpoint(), expected_url, "{region:?} {url:?}");
            assert_eq!(
                client.signing_region(),
                expected_region,
                "{region:?} {url:?}"
            );
        }
    }

    #[test]
    fn given_account_id_needs_no_call() {
        let mut client = StsClient::new(
            Some("123456789012".to_string()),
            None,
            Some(
                AwsSession::builder()
                    .environment(Environment::empty())
                    .build()
                    .unwrap(),
            ),
        )
        .unwrap();
        assert_eq!(client.get_account_id().unwrap(), "123456789012");
    }

    #[test]
    fn duration_must_be_whole_seconds_in_range() {
        assert_eq!(duration_seconds(Duration::from_secs(900)).unwrap(), 900);
        assert!(duration_seconds(Duration::from_millis(900_500)).is_err());
        assert!(duration_seconds(Duration::from_secs(899)).is_err());
        assert!(duration_seconds(Duration::from_secs(43_201)).is_err());
        assert_eq!(
            duration_seconds(Duration::from_secs(u64::MAX))
                .unwrap_err()
                .to_string(),
            "invalid DurationSeconds: 18446744073709551615 seconds is out of range; \
             use 900 to 43200 seconds"
        );
    }

    #[test]
    fn client_is_send() {
        fn assert_send<T: Send>() {}
        assert_send::<StsClient>();
    }
}
