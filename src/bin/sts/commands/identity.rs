//! Commands that return information rather than credentials: the caller's identity, the
//! account of an access key, a decoded authorization message and an outbound web identity
//! token.

use aws_sts_blocking::{
    DecodeAuthorizationMessageRequest, GetAccessKeyInfoRequest, GetCallerIdentityRequest,
    GetWebIdentityTokenRequest, StsClient, SubjectMode,
};

use super::values::Values;
use super::{call_failure, option, set, Command, Failure, Response, TAGS};
use crate::args::{Arguments, Kind};
use crate::output::Object;

pub const GET_CALLER_IDENTITY: Command = Command {
    name: "get-caller-identity",
    aliases: &["whoami"],
    operation: "GetCallerIdentity",
    summary: "Print the account, ARN and user id of the credentials in use",
    options: &[],
    returns_credentials: false,
    run: get_caller_identity,
};

fn get_caller_identity(client: &StsClient, _arguments: &Arguments) -> Result<Response, Failure> {
    let output = client
        .get_caller_identity(&GetCallerIdentityRequest::new())
        .map_err(call_failure("GetCallerIdentity"))?;
    let document = Object::new()
        .optional_string("UserId", output.user_id())
        .optional_string("Account", output.account())
        .optional_string("Arn", output.arn())
        .build();
    Ok(Response::document(document))
}

pub const GET_ACCESS_KEY_INFO: Command = Command {
    name: "get-access-key-info",
    aliases: &[],
    operation: "GetAccessKeyInfo",
    summary: "Print the account that owns an access key id",
    options: &[option(
        "--access-key-id",
        "ID",
        Kind::Single,
        true,
        "Access key id to look up, such as AKIA... or ASIA...",
    )],
    returns_credentials: false,
    run: get_access_key_info,
};

fn get_access_key_info(client: &StsClient, arguments: &Arguments) -> Result<Response, Failure> {
    let values = Values::new(arguments, "get-access-key-info");
    let request = GetAccessKeyInfoRequest::new(values.required("--access-key-id")?);
    let output = client
        .get_access_key_info(&request)
        .map_err(call_failure("GetAccessKeyInfo"))?;
    let document = Object::new()
        .optional_string("Account", output.account())
        .build();
    Ok(Response::document(document))
}

pub const DECODE_AUTHORIZATION_MESSAGE: Command = Command {
    name: "decode-authorization-message",
    aliases: &[],
    operation: "DecodeAuthorizationMessage",
    summary: "Decode the encoded message of an authorization failure",
    options: &[option(
        "--encoded-message",
        "MESSAGE",
        Kind::Single,
        true,
        "Encoded authorization message from an access-denied error; file://PATH reads it from a file",
    )],
    returns_credentials: false,
    run: decode_authorization_message,
};

fn decode_authorization_message(
    client: &StsClient,
    arguments: &Arguments,
) -> Result<Response, Failure> {
    let values = Values::new(arguments, "decode-authorization-message");
    let request = DecodeAuthorizationMessageRequest::new(values.required("--encoded-message")?);
    let output = client
        .decode_authorization_message(&request)
        .map_err(call_failure("DecodeAuthorizationMessage"))?;
    let document = Object::new()
        .optional_string("DecodedMessage", output.decoded_message())
        .build();
    Ok(Response::document(document))
}

pub const GET_WEB_IDENTITY_TOKEN: Command = Command {
    name: "get-web-identity-token",
    aliases: &[],
    operation: "GetWebIdentityToken",
    summary: "Get a signed JSON Web Token that names the caller, for services outside AWS",
    options: &[
        option(
            "--audience",
            "AUDIENCE",
            Kind::List,
            true,
            "Recipients the token is meant for (the aud claim), 1 to 10",
        ),
        option(
            "--signing-algorithm",
            "ALGORITHM",
            Kind::Single,
            true,
            "Signing algorithm of the token: RS256 or ES384",
        ),
        option(
            "--duration-seconds",
            "SECONDS",
            Kind::Single,
            false,
            "Lifetime of the token in seconds, 60 to 3600",
        ),
        option(
            "--scope",
            "SCOPE",
            Kind::Single,
            false,
            "OAuth 2.0 scope values for the scope claim, separated by single spaces",
        ),
        option(
            "--subject-mode",
            "MODE",
            Kind::Single,
            false,
            "Identity in the sub claim: AWSIdentity (the caller's ARN) or OriginIdentity [default: AWSIdentity]",
        ),
        TAGS,
    ],
    returns_credentials: false,
    run: get_web_identity_token,
};

fn get_web_identity_token(client: &StsClient, arguments: &Arguments) -> Result<Response, Failure> {
    let values = Values::new(arguments, "get-web-identity-token");
    let audience = values.strings("--audience")?.unwrap_or_default();
    let mut request =
        GetWebIdentityTokenRequest::new(audience, values.required("--signing-algorithm")?);
    set!(
        request,
        values.integer("--duration-seconds")?,
        duration_seconds
    );
    set!(request, values.text("--scope")?, scope);
    let subject_mode = values.text("--subject-mode")?;
    set!(
        request,
        subject_mode.map(|mode| SubjectMode::from(mode.as_str())),
        subject_mode
    );
    set!(request, values.tags("--tags")?, tags);

    let output = client
        .get_web_identity_token(&request)
        .map_err(call_failure("GetWebIdentityToken"))?;
    let document = Object::new()
        .optional_string("WebIdentityToken", output.web_identity_token())
        .optional_timestamp("Expiration", output.expiration())
        .build();
    Ok(Response::document(document))
}
