//! Commands that assume a role: with the caller's credentials, a web identity token, a SAML
//! assertion, or as the root user of a member account.

use aws_sts_blocking::{
    AssumeRoleRequest, AssumeRoleWithSamlRequest, AssumeRoleWithWebIdentityRequest,
    AssumeRootRequest, StsClient,
};

use super::documents;
use super::values::Values;
use super::{
    account_from_arn, call_failure, is_account_id, option, set, Command, Failure, Response,
    MINIMUM_SESSION_TOKEN_SIZE, POLICY, POLICY_ARNS, ROLE_ARN, ROLE_DURATION_SECONDS,
    ROLE_SESSION_NAME, SERIAL_NUMBER, TAGS, TOKEN_CODE,
};
use crate::args::{Arguments, Kind};
use crate::output::{credentials_value, Object};

pub const ASSUME_ROLE: Command = Command {
    name: "assume-role",
    aliases: &[],
    operation: "AssumeRole",
    summary: "Get temporary credentials for an IAM role",
    options: &[
        ROLE_ARN,
        ROLE_SESSION_NAME,
        ROLE_DURATION_SECONDS,
        POLICY,
        POLICY_ARNS,
        TAGS,
        option(
            "--transitive-tag-keys",
            "KEY",
            Kind::List,
            false,
            "Keys of session tags that pass on to roles assumed from this session",
        ),
        option(
            "--external-id",
            "ID",
            Kind::Single,
            false,
            "External id that the role's trust policy requires",
        ),
        SERIAL_NUMBER,
        TOKEN_CODE,
        option(
            "--source-identity",
            "NAME",
            Kind::Single,
            false,
            "Source identity to record on the session; roles assumed from the session keep it",
        ),
        option(
            "--provided-contexts",
            "ProviderArn=ARN,ContextAssertion=VALUE",
            Kind::List,
            false,
            "Trusted context assertions, up to 5; also a JSON list [{\"ProviderArn\": \"...\", \"ContextAssertion\": \"...\"}]",
        ),
        MINIMUM_SESSION_TOKEN_SIZE,
    ],
    returns_credentials: true,
    run: assume_role,
};

fn assume_role(client: &StsClient, arguments: &Arguments) -> Result<Response, Failure> {
    let values = Values::new(arguments, "assume-role");
    let mut request = AssumeRoleRequest::new(
        values.required("--role-arn")?,
        values.required("--role-session-name")?,
    );
    set!(
        request,
        values.integer("--duration-seconds")?,
        duration_seconds
    );
    set!(request, values.text("--policy")?, policy);
    set!(request, values.policy_arns("--policy-arns")?, policy_arns);
    set!(request, values.tags("--tags")?, tags);
    set!(
        request,
        values.strings("--transitive-tag-keys")?,
        transitive_tag_keys
    );
    set!(request, values.text("--external-id")?, external_id);
    let serial_number = values.text("--serial-number")?;
    set!(
        request,
        values.token_code(serial_number.as_deref())?,
        token_code
    );
    if let Some(serial_number) = serial_number {
        request = request.serial_number(serial_number);
    }
    set!(request, values.text("--source-identity")?, source_identity);
    set!(
        request,
        values.provided_contexts("--provided-contexts")?,
        provided_contexts
    );
    set!(
        request,
        values.integer("--minimum-session-token-size")?,
        minimum_session_token_size
    );

    let output = client
        .assume_role(&request)
        .map_err(call_failure("AssumeRole"))?;
    let document = Object::new()
        .value("Credentials", credentials_value(output.credentials()))
        .optional_value(
            "AssumedRoleUser",
            output.assumed_role_user().map(documents::assumed_role_user),
        )
        .optional_integer("PackedPolicySize", output.packed_policy_size())
        .optional_string("SourceIdentity", output.source_identity())
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
            .assumed_role_user()
            .and_then(|user| account_from_arn(user.arn())),
    ))
}

pub const ASSUME_ROLE_WITH_WEB_IDENTITY: Command = Command {
    name: "assume-role-with-web-identity",
    aliases: &[],
    operation: "AssumeRoleWithWebIdentity",
    summary: "Get temporary credentials for an IAM role with an OIDC or OAuth 2.0 token; needs no AWS credentials",
    options: &[
        ROLE_ARN,
        ROLE_SESSION_NAME,
        option(
            "--web-identity-token",
            "TOKEN",
            Kind::Single,
            true,
            "Token from the identity provider; file://PATH reads it from a file, which keeps it out of the process list",
        ),
        option(
            "--provider-id",
            "DOMAIN",
            Kind::Single,
            false,
            "Domain of an OAuth 2.0 provider such as www.amazon.com; leave out for OIDC providers",
        ),
        POLICY_ARNS,
        POLICY,
        ROLE_DURATION_SECONDS,
        MINIMUM_SESSION_TOKEN_SIZE,
    ],
    returns_credentials: true,
    run: assume_role_with_web_identity,
};

fn assume_role_with_web_identity(
    client: &StsClient,
    arguments: &Arguments,
) -> Result<Response, Failure> {
    let values = Values::new(arguments, "assume-role-with-web-identity");
    let mut request = AssumeRoleWithWebIdentityRequest::new(
        values.required("--role-arn")?,
        values.required("--role-session-name")?,
        values.required("--web-identity-token")?,
    );
    set!(request, values.text("--provider-id")?, provider_id);
    set!(request, values.policy_arns("--policy-arns")?, policy_arns);
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

    let output = client
        .assume_role_with_web_identity(&request)
        .map_err(call_failure("AssumeRoleWithWebIdentity"))?;
    let document = Object::new()
        .value("Credentials", credentials_value(output.credentials()))
        .optional_string(
            "SubjectFromWebIdentityToken",
            output.subject_from_web_identity_token(),
        )
        .optional_value(
            "AssumedRoleUser",
            output.assumed_role_user().map(documents::assumed_role_user),
        )
        .optional_integer("PackedPolicySize", output.packed_policy_size())
        .optional_string("Provider", output.provider())
        .optional_string("Audience", output.audience())
        .optional_string("SourceIdentity", output.source_identity())
        .optional_integer(
            "SessionTokenUtilization",
            output.session_token_utilization(),
        )
        .optional_integer("SessionTokenSize", output.session_token_size())
        .optional_value(
            "TrustedIdentityPropagationContext",
            output
                .trusted_identity_propagation_context()
                .map(documents::trusted_identity_propagation_context),
        )
        .build();
    Ok(Response::with_credentials(
        document,
        output.credentials(),
        output
            .assumed_role_user()
            .and_then(|user| account_from_arn(user.arn())),
    ))
}

pub const ASSUME_ROLE_WITH_SAML: Command = Command {
    name: "assume-role-with-saml",
    aliases: &[],
    operation: "AssumeRoleWithSAML",
    summary: "Get temporary credentials for an IAM role with a SAML assertion; needs no AWS credentials",
    options: &[
        ROLE_ARN,
        option(
            "--principal-arn",
            "ARN",
            Kind::Single,
            true,
            "ARN of the SAML provider in IAM that describes the identity provider",
        ),
        option(
            "--saml-assertion",
            "BASE64",
            Kind::Single,
            true,
            "Base64-encoded SAML authentication response from the identity provider; file://PATH reads it from a file",
        ),
        POLICY_ARNS,
        POLICY,
        ROLE_DURATION_SECONDS,
        MINIMUM_SESSION_TOKEN_SIZE,
    ],
    returns_credentials: true,
    run: assume_role_with_saml,
};

fn assume_role_with_saml(client: &StsClient, arguments: &Arguments) -> Result<Response, Failure> {
    let values = Values::new(arguments, "assume-role-with-saml");
    let mut request = AssumeRoleWithSamlRequest::new(
        values.required("--role-arn")?,
        values.required("--principal-arn")?,
        values.required("--saml-assertion")?,
    );
    set!(request, values.policy_arns("--policy-arns")?, policy_arns);
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

    let output = client
        .assume_role_with_saml(&request)
        .map_err(call_failure("AssumeRoleWithSAML"))?;
    let document = Object::new()
        .value("Credentials", credentials_value(output.credentials()))
        .optional_value(
            "AssumedRoleUser",
            output.assumed_role_user().map(documents::assumed_role_user),
        )
        .optional_integer("PackedPolicySize", output.packed_policy_size())
        .optional_string("Subject", output.subject())
        .optional_string("SubjectType", output.subject_type())
        .optional_string("Issuer", output.issuer())
        .optional_string("Audience", output.audience())
        .optional_string("NameQualifier", output.name_qualifier())
        .optional_string("SourceIdentity", output.source_identity())
        .optional_integer(
            "SessionTokenUtilization",
            output.session_token_utilization(),
        )
        .optional_integer("SessionTokenSize", output.session_token_size())
        .optional_value(
            "TrustedIdentityPropagationContext",
            output
                .trusted_identity_propagation_context()
                .map(documents::trusted_identity_propagation_context),
        )
        .build();
    Ok(Response::with_credentials(
        document,
        output.credentials(),
        output
            .assumed_role_user()
            .and_then(|user| account_from_arn(user.arn())),
    ))
}

pub const ASSUME_ROOT: Command = Command {
    name: "assume-root",
    aliases: &[],
    operation: "AssumeRoot",
    summary: "Get short-term root credentials for a privileged task in a member account",
    options: &[
        option(
            "--target-principal",
            "ACCOUNT",
            Kind::Single,
            true,
            "Id of the member account to act in",
        ),
        option(
            "--task-policy-arn",
            "arn=ARN",
            Kind::Single,
            true,
            "AWS managed policy of the task, such as arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
        ),
        option(
            "--duration-seconds",
            "SECONDS",
            Kind::Single,
            false,
            "Lifetime of the credentials in seconds, at most 900 [default: 900]",
        ),
        MINIMUM_SESSION_TOKEN_SIZE,
    ],
    returns_credentials: true,
    run: assume_root,
};

fn assume_root(client: &StsClient, arguments: &Arguments) -> Result<Response, Failure> {
    let values = Values::new(arguments, "assume-root");
    let target_principal = values.required("--target-principal")?;
    let mut request = AssumeRootRequest::new(
        target_principal.clone(),
        values.policy_arn("--task-policy-arn")?,
    );
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

    let output = client
        .assume_root(&request)
        .map_err(call_failure("AssumeRoot"))?;
    let document = Object::new()
        .value("Credentials", credentials_value(output.credentials()))
        .optional_string("SourceIdentity", output.source_identity())
        .optional_integer(
            "SessionTokenUtilization",
            output.session_token_utilization(),
        )
        .optional_integer("SessionTokenSize", output.session_token_size())
        .build();
    Ok(Response::with_credentials(
        document,
        output.credentials(),
        is_account_id(&target_principal).then_some(target_principal),
    ))
}
