//! The commands: their options, and how each one turns its arguments into an STS call and
//! its output into a response document.

use aws_sts_blocking::{
    AssumeRoleRequest, Credentials, Error, GetCallerIdentityRequest, StsClient,
};

use crate::args::{Arguments, Kind, OptionSpec, UsageError};
use crate::output::{credentials_value, Object, Value};
use crate::prompt;

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

/// What a command returns: the document to print and, for operations that issue them, the
/// credentials with the account they belong to.
#[derive(Debug)]
pub struct Response {
    pub document: Value,
    pub credentials: Option<Credentials>,
    pub account_id: Option<String>,
}

/// Why a command did not produce a response.
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

/// Every command, in the order the general help lists them.
pub static COMMANDS: &[Command] = &[
    Command {
        name: "get-caller-identity",
        aliases: &["whoami"],
        operation: "GetCallerIdentity",
        summary: "Print the account, ARN and user id of the credentials in use",
        options: &[],
        returns_credentials: false,
        run: get_caller_identity,
    },
    Command {
        name: "assume-role",
        aliases: &[],
        operation: "AssumeRole",
        summary: "Get temporary credentials for an IAM role",
        options: &[
            ROLE_ARN,
            ROLE_SESSION_NAME,
            ROLE_DURATION_SECONDS,
            POLICY,
            option(
                "--external-id",
                "ID",
                Kind::Single,
                false,
                "External id that the role's trust policy requires",
            ),
            option(
                "--source-identity",
                "NAME",
                Kind::Single,
                false,
                "Source identity to record on the session; roles assumed from the session keep it",
            ),
        ],
        returns_credentials: true,
        run: assume_role,
    },
];

/// Finds a command by name or alias.
pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS
        .iter()
        .find(|command| command.name == name || command.aliases.contains(&name))
}

fn get_caller_identity(client: &StsClient, _arguments: &Arguments) -> Result<Response, Failure> {
    let output = client
        .get_caller_identity(&GetCallerIdentityRequest::new())
        .map_err(call_failure("GetCallerIdentity"))?;
    let document = Object::new()
        .optional_string("UserId", output.user_id())
        .optional_string("Account", output.account())
        .optional_string("Arn", output.arn())
        .build();
    Ok(Response {
        document,
        credentials: None,
        account_id: None,
    })
}

fn assume_role(client: &StsClient, arguments: &Arguments) -> Result<Response, Failure> {
    const COMMAND: &str = "assume-role";
    let mut request = AssumeRoleRequest::new(
        required(arguments, "--role-arn", COMMAND)?,
        required(arguments, "--role-session-name", COMMAND)?,
    );
    if let Some(seconds) = integer(arguments, "--duration-seconds", COMMAND)? {
        request = request.duration_seconds(seconds);
    }
    if let Some(policy) = text(arguments, "--policy", COMMAND)? {
        request = request.policy(policy);
    }
    if let Some(external_id) = text(arguments, "--external-id", COMMAND)? {
        request = request.external_id(external_id);
    }
    if let Some(source_identity) = text(arguments, "--source-identity", COMMAND)? {
        request = request.source_identity(source_identity);
    }

    let output = client
        .assume_role(&request)
        .map_err(call_failure("AssumeRole"))?;
    let role_user = output.assumed_role_user().map(|user| {
        Object::new()
            .string("AssumedRoleId", user.assumed_role_id())
            .string("Arn", user.arn())
            .build()
    });
    let document = Object::new()
        .value("Credentials", credentials_value(output.credentials()))
        .optional_value("AssumedRoleUser", role_user)
        .optional_integer("PackedPolicySize", output.packed_policy_size())
        .optional_string("SourceIdentity", output.source_identity())
        .build();
    Ok(Response {
        document,
        credentials: Some(output.credentials().clone()),
        account_id: output
            .assumed_role_user()
            .and_then(|user| account_from_arn(user.arn())),
    })
}

fn call_failure(operation: &'static str) -> impl Fn(Error) -> Failure {
    move |error| Failure::Call { operation, error }
}

/// Returns the account field of an ARN, `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
fn account_from_arn(arn: &str) -> Option<String> {
    let account = arn.split(':').nth(4)?;
    let is_account = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    is_account.then(|| account.to_string())
}

/// Returns a required option's value, read through [`text`].
fn required(arguments: &Arguments, name: &str, command: &'static str) -> Result<String, Failure> {
    text(arguments, name, command)?.ok_or_else(|| {
        Failure::Usage(UsageError::new(
            format!("missing required option {name}"),
            Some(command),
        ))
    })
}

/// Returns an option's value. As in the AWS CLI, a value `file://PATH` is replaced by the
/// contents of the file, unchanged (a final newline is kept).
fn text(
    arguments: &Arguments,
    name: &str,
    command: &'static str,
) -> Result<Option<String>, Failure> {
    let Some(value) = arguments.single(name) else {
        return Ok(None);
    };
    let Some(path) = value.strip_prefix("file://") else {
        return Ok(Some(value.to_string()));
    };
    std::fs::read_to_string(path).map(Some).map_err(|error| {
        Failure::Usage(UsageError::new(
            format!("failed to read {name} from file {path:?}: {error}"),
            Some(command),
        ))
    })
}

/// Returns an integer option's value.
fn integer(
    arguments: &Arguments,
    name: &str,
    command: &'static str,
) -> Result<Option<i32>, Failure> {
    let Some(value) = arguments.single(name) else {
        return Ok(None);
    };
    value.parse().map(Some).map_err(|_| {
        Failure::Usage(UsageError::new(
            format!("invalid {name} {value:?}: expected a whole number"),
            Some(command),
        ))
    })
}

/// Returns the MFA code from `--token-code`, else asks for it when `--serial-number` is
/// given, else `None`.
#[allow(dead_code)] // TODO: used by get-session-token and assume-role once the library has MFA members.
fn token_code(
    arguments: &Arguments,
    serial_number: Option<&str>,
    command: &'static str,
) -> Result<Option<String>, Failure> {
    if let Some(code) = text(arguments, "--token-code", command)? {
        return Ok(Some(code));
    }
    let Some(serial_number) = serial_number else {
        return Ok(None);
    };
    prompt::token_code(serial_number)
        .map(Some)
        .map_err(|error| {
            Failure::Usage(UsageError::new(
                format!("--token-code is missing and reading it failed: {error}"),
                Some(command),
            ))
        })
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
    fn account_from_arns() {
        assert_eq!(
            account_from_arn("arn:aws:sts::123456789012:assumed-role/r/s").as_deref(),
            Some("123456789012")
        );
        assert_eq!(account_from_arn("arn:aws:sts::12:assumed-role/r/s"), None);
        assert_eq!(account_from_arn("not-an-arn"), None);
    }
}
