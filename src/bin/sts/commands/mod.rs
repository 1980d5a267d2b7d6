//! The commands: their options, and how each one turns its arguments into an STS call and
//! its output into a response document.

mod documents;
mod identity;
mod roles;
mod sessions;
mod values;

use aws_sts_blocking::{Credentials, Error, StsClient};

use crate::args::{Arguments, Kind, OptionSpec, UsageError};
use crate::output::Value;

/// One `sts` command.
pub struct Command {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// The STS operation the command calls.
    pub operation: &'static str,
    pub summary: &'static str,
    pub options: &'static [OptionSpec],
    /// Whether the response contains credentials, which `--output env` and
    /// `--output credential-process` print.
    pub returns_credentials: bool,
    run: fn(&StsClient, &Arguments) -> Result<Response, Failure>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Command").field("name", &self.name).finish()
    }
}

impl Command {
    /// Calls the command's STS operation.
    pub fn run(&self, client: &StsClient, arguments: &Arguments) -> Result<Response, Failure> {
        (self.run)(client, arguments)
    }
}

/// The result of a command: the document to print and, for operations that issue them, the
/// credentials with the account they belong to.
#[derive(Debug)]
pub struct Response {
    pub document: Value,
    pub credentials: Option<Credentials>,
    pub account_id: Option<String>,
}

impl Response {
    /// Creates a response without credentials.
    fn document(document: Value) -> Response {
        Response {
            document,
            credentials: None,
            account_id: None,
        }
    }
}

impl Response {
    /// Creates a response with the credentials it contains and, when known, their account.
    fn with_credentials(
        document: Value,
        credentials: &Credentials,
        account_id: Option<String>,
    ) -> Response {
        Response {
            document,
            credentials: Some(credentials.clone()),
            account_id,
        }
    }
}

/// Applies a request setter when an optional value is present:
/// `set!(request, value, setter)` is `if let Some(v) = value { request = request.setter(v) }`.
macro_rules! set {
    ($request:ident, $value:expr, $setter:ident) => {
        if let Some(value) = $value {
            $request = $request.$setter(value);
        }
    };
}
use set;

/// The reason a command produced no response.
#[derive(Debug)]
pub enum Failure {
    /// The command line was wrong; exit status 2.
    Usage(UsageError),
    /// The call failed; exit status 2 when the library rejected an argument before sending,
    /// else 1.
    Call {
        operation: &'static str,
        error: Error,
    },
}

impl From<UsageError> for Failure {
    fn from(error: UsageError) -> Failure {
        Failure::Usage(error)
    }
}

/// Every command, in the order the general help lists them.
pub static COMMANDS: &[Command] = &[
    identity::GET_CALLER_IDENTITY,
    roles::ASSUME_ROLE,
    roles::ASSUME_ROLE_WITH_WEB_IDENTITY,
    roles::ASSUME_ROLE_WITH_SAML,
    sessions::GET_SESSION_TOKEN,
    sessions::GET_FEDERATION_TOKEN,
    identity::GET_ACCESS_KEY_INFO,
    identity::DECODE_AUTHORIZATION_MESSAGE,
    roles::ASSUME_ROOT,
    sessions::GET_DELEGATED_ACCESS_TOKEN,
    sessions::GET_SCOPED_CREDENTIALS,
    identity::GET_WEB_IDENTITY_TOKEN,
];

/// Finds a command by name or alias.
pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS
        .iter()
        .find(|command| command.name == name || command.aliases.contains(&name))
}

const fn option(
    name: &'static str,
    value_name: &'static str,
    kind: Kind,
    required: bool,
    help: &'static str,
) -> OptionSpec {
    OptionSpec {
        name,
        value_name,
        kind,
        required,
        help,
    }
}

// Options that several commands share.

const ROLE_ARN: OptionSpec = option(
    "--role-arn",
    "ARN",
    Kind::Single,
    true,
    "ARN of the role to assume",
);
const ROLE_SESSION_NAME: OptionSpec = option(
    "--role-session-name",
    "NAME",
    Kind::Single,
    true,
    "Name of the role session, 2 to 64 letters, digits and +=,.@_- characters; it appears in the session's ARN and in CloudTrail",
);
const ROLE_DURATION_SECONDS: OptionSpec = option(
    "--duration-seconds",
    "SECONDS",
    Kind::Single,
    false,
    "Lifetime of the credentials in seconds, 900 to 43200, at most the role's maximum session duration [default: 3600]",
);
const POLICY: OptionSpec = option(
    "--policy",
    "JSON",
    Kind::Single,
    false,
    "Inline session policy (an IAM policy document) that narrows the session's permissions",
);
const POLICY_ARNS: OptionSpec = option(
    "--policy-arns",
    "arn=ARN",
    Kind::List,
    false,
    "Managed policies that narrow the session's permissions, up to 10; also a JSON list [{\"arn\": \"...\"}]",
);
const TAGS: OptionSpec = option(
    "--tags",
    "Key=K,Value=V",
    Kind::List,
    false,
    "Session tags, up to 50; also a JSON list [{\"Key\": \"...\", \"Value\": \"...\"}]",
);
const SERIAL_NUMBER: OptionSpec = option(
    "--serial-number",
    "ARN",
    Kind::Single,
    false,
    "Serial number or ARN of the MFA device of the calling user",
);
const TOKEN_CODE: OptionSpec = option(
    "--token-code",
    "CODE",
    Kind::Single,
    false,
    "Six-digit code from the MFA device; without it and with --serial-number, sts reads the code from the terminal, or from the first line of stdin when stdin is not a terminal",
);
const MINIMUM_SESSION_TOKEN_SIZE: OptionSpec = option(
    "--minimum-session-token-size",
    "BYTES",
    Kind::Single,
    false,
    "Pad the session token to at least this many bytes, 0 to 4096",
);

fn call_failure(operation: &'static str) -> impl Fn(Error) -> Failure {
    move |error| Failure::Call { operation, error }
}

/// Returns the account field of an ARN, `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
fn account_from_arn(arn: &str) -> Option<String> {
    let account = arn.split(':').nth(4)?;
    is_account_id(account).then(|| account.to_string())
}

fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_unique() {
        let mut names: Vec<&str> = COMMANDS
            .iter()
            .flat_map(|command| {
                std::iter::once(command.name).chain(command.aliases.iter().copied())
            })
            .collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
    }

    #[test]
    fn options_are_spelled_like_the_aws_cli() {
        for command in COMMANDS {
            for spec in command.options {
                let word = spec.name.strip_prefix("--").unwrap();
                assert!(
                    word.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                    "{} {}",
                    command.name,
                    spec.name
                );
                assert!(!spec.help.is_empty(), "{} {}", command.name, spec.name);
            }
        }
    }

    #[test]
    fn every_operation_has_a_command() {
        let mut operations: Vec<&str> = COMMANDS.iter().map(|command| command.operation).collect();
        operations.sort_unstable();
        assert_eq!(
            operations,
            [
                "AssumeRole",
                "AssumeRoleWithSAML",
                "AssumeRoleWithWebIdentity",
                "AssumeRoot",
                "DecodeAuthorizationMessage",
                "GetAccessKeyInfo",
                "GetCallerIdentity",
                "GetDelegatedAccessToken",
                "GetFederationToken",
                "GetScopedCredentials",
                "GetSessionToken",
                "GetWebIdentityToken",
            ]
        );
    }

    #[test]
    fn account_from_arns() {
        assert_eq!(
            account_from_arn("arn:aws:sts::123456789012:assumed-role/r/s").as_deref(),
            Some("123456789012")
        );
        assert_eq!(account_from_arn("arn:aws:sts::12:assumed-role/r/s"), None);
        assert_eq!(account_from_arn("not-an-arn"), None);
    }
}
