//! Commands that issue session credentials without assuming a role: for the caller with MFA,
//! for a federated user, in exchange for a trade-in token, or scoped down from the caller's.

use aws_sts_blocking::{
    GetDelegatedAccessTokenRequest, GetFederationTokenRequest, GetScopedCredentialsRequest,
    GetSessionTokenRequest, StsClient,
};

use super::documents;
use super::values::Values;
use super::{
    account_from_arn, call_failure, option, set, Command, Failure, Response,
    MINIMUM_SESSION_TOKEN_SIZE, POLICY, POLICY_ARNS, SERIAL_NUMBER, TAGS, TOKEN_CODE,
};
use crate::args::{Arguments, Kind};
use crate::output::{credentials_value, Object};

pub const GET_SESSION_TOKEN: Command = Command {
    name: "get-session-token",
    aliases: &[],
    operation: "GetSessionToken",
    summary:
        "Get temporary credentials for the calling user, with MFA when a serial number is given",
    options: &[
        option(
            "--duration-seconds",
            "SECONDS",
            Kind::Single,
            false,
            "Lifetime of the credentials in seconds, 900 to 129600 [default: 43200]",
        ),
        SERIAL_NUMBER,
        TOKEN_CODE,
        MINIMUM_SESSION_TOKEN_SIZE,
    ],
    returns_credentials: true,
    run: get_session_token,
};

fn get_session_token(client: &StsClient, arguments: &Arguments) -> Result<Response, Failure> {
    let values = Values::new(arguments, "get-session-token");
    let mut request = GetSessionTokenRequest::new();
    set!(
        request,
        values.integer("--duration-seconds")?,
        duration_seconds
    );
    let serial_number = values.text("--serial-number")?;
    set!(
        request,
        values.token_code(serial_number.as_deref())?,
        token_code
    );
    if let Some(serial_number) = serial_number {
        request = request.serial_number(serial_number);
    }
    set!(
        request,
        values.integer("--minimum-session-token-size")?,
        minimum_session_token_size
    );

    let output = client
        .get_session_token(&request)
        .map_err(call_failure("GetSessionToken"))?;
    let document = Object::new()
        .value("Credentials", credentials_value(output.credentials()))
        .optional_integer(
            "SessionTokenUtilization",
            output.session_token_utilization(),
        )
        .optional_integer("SessionTokenSize", output.session_token_size())
        .build();
    Ok(Response::with_credentials(
        document,
        output.credentials(),
        None,
    ))
}

pub const GET_FEDERATION_TOKEN: Command = Command {
    name: "get-federation-token",
    aliases: &[],
    operation: "GetFederationToken",
    summary: "Get temporary credentials for a federated user, limited by session policies",
    options: &[
        option(
            "--name",
            "NAME",
            Kind::Single,
            true,
            "Name of the federated user, 2 to 32 letters, digits and +=,.@_- characters",
        ),
        POLICY,
        POLICY_ARNS,
        option(
            "--duration-seconds",
            "SECONDS",
            Kind::Single,
            false,
            "Lifetime of the credentials in seconds, 900 to 129600 [default: 43200]",
        ),
        TAGS,
        MINIMUM_SESSION_TOKEN_SIZE,
    ],
    returns_credentials: true,
    run: get_federation_token,
};

fn get_federation_token(client: &StsClient, arguments: &Arguments) -> Result<Response, Failure> {
    let values = Values::new(arguments, "get-federation-token");
    let mut request = GetFederationTokenRequest::new(values.required("--name")?);
    set!(request, values.text("--policy")?, policy);
    set!(request, values.policy_arns("--policy-arns")?, policy_arns);
    set!(
        request,
        values.integer("--duration-seconds")?,
        duration_seconds
    );
    set!(request, values.tags("--tags")?, tags);
    set!(
        request,
        values.integer("--minimum-session-token-size")?,
        minimum_session_token_size
    );

    let output = client
        .get_federation_token(&request)
        .map_err(call_failure("GetFederationToken"))?;
    let document = Object::new()
        .value("Credentials", credentials_value(output.credentials()))
        .optional_value(
            "FederatedUser",
            output.federated_user().map(documents::federated_user),
        )
        .optional_integer("PackedPolicySize", output.packed_policy_size())
        .optional_integer(
            "SessionTokenUtilization",
            output.session_token_utilization(),
        )
        .optional_integer("SessionTokenSize", output.session_token_size())
        .build();
    Ok(Response::with_credentials(
        document,
        output.credentials(),
        output
            .federated_user()
            .and_then(|user| account_from_arn(user.arn())),
    ))
}

pub const GET_DELEGATED_ACCESS_TOKEN: Command = Command {
    name: "get-delegated-access-token",
    aliases: &[],
    operation: "GetDelegatedAccessToken",
    summary: "Exchange a trade-in token for temporary credentials of the principal it names",
    options: &[option(
        "--trade-in-token",
        "TOKEN",
        Kind::Single,
        true,
        "Trade-in token to exchange; file://PATH reads it from a file",
    )],
    returns_credentials: true,
    run: get_delegated_access_token,
};

fn get_delegated_access_token(
    client: &StsClient,
    arguments: &Arguments,
) -> Result<Response, Failure> {
    let values = Values::new(arguments, "get-delegated-access-token");
    let request = GetDelegatedAccessTokenRequest::new(values.required("--trade-in-token")?);
    let output = client
        .get_delegated_access_token(&request)
        .map_err(call_failure("GetDelegatedAccessToken"))?;
    let document = Object::new()
        .value("Credentials", credentials_value(output.credentials()))
        .optional_integer("PackedPolicySize", output.packed_policy_size())
        .optional_string("AssumedPrincipal", output.assumed_principal())
        .build();
    Ok(Response::with_credentials(
        document,
        output.credentials(),
        output.assumed_principal().and_then(account_from_arn),
    ))
}

pub const GET_SCOPED_CREDENTIALS: Command = Command {
    name: "get-scoped-credentials",
    aliases: &[],
    operation: "GetScopedCredentials",
    summary: "Get credentials with the caller's identity and narrower permissions",
    options: &[
        POLICY,
        option(
            "--duration-seconds",
            "SECONDS",
            Kind::Single,
            false,
            "Lifetime of the credentials in seconds, 1 to 129600, at most what remains of the caller's session",
        ),
        MINIMUM_SESSION_TOKEN_SIZE,
        option(
            "--scoped-session-description",
            "TEXT",
            Kind::Single,
            false,
            "Description of the scoped session, 2 to 256 characters, recorded in CloudTrail",
        ),
    ],
    returns_credentials: true,
    run: get_scoped_credentials,
};

fn get_scoped_credentials(client: &StsClient, arguments: &Arguments) -> Result<Response, Failure> {
    let values = Values::new(arguments, "get-scoped-credentials");
    let mut request = GetScopedCredentialsRequest::new();
    set!(request, values.text("--policy")?, policy);
    set!(
        request,
        values.integer("--duration-seconds")?,
        duration_seconds
    );
    set!(
        request,
        values.integer("--minimum-session-token-size")?,
        minimum_session_token_size
    );
    set!(
        request,
        values.text("--scoped-session-description")?,
        scoped_session_description
    );

    let output = client
        .get_scoped_credentials(&request)
        .map_err(call_failure("GetScopedCredentials"))?;
    let document = Object::new()
        .value("Credentials", credentials_value(output.credentials()))
        .optional_value(
            "SessionInfo",
            output.session_info().map(documents::scoped_session),
        )
        .optional_integer(
            "SessionTokenUtilization",
            output.session_token_utilization(),
        )
        .optional_integer("SessionTokenSize", output.session_token_size())
        .optional_integer("ScopedPoliciesCount", output.scoped_policies_count())
        .optional_string("SourceIdentity", output.source_identity())
        .build();
    Ok(Response::with_credentials(
        document,
        output.credentials(),
        output
            .session_info()
            .and_then(|session| account_from_arn(session.arn())),
    ))
}
