//! Command-line parsing: global options, the command name and the command's options.
//!
//! Options are spelled as the AWS CLI spells them. A global option may stand before or after
//! the command name. `--name value` and `--name=value` are both accepted. A list option takes
//! every following argument up to the next one that starts with `--`, and may be repeated.

use std::fmt;

use crate::commands::{self, Command};
use crate::output::Format;

/// Number of values an option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No value: the option is on when given.
    Flag,
    /// Exactly one value.
    Single,
    /// One or more values.
    List,
}

/// One option of a command, as shown in its help.
#[derive(Debug)]
pub struct OptionSpec {
    pub name: &'static str,
    pub value_name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub help: &'static str,
}

/// Options that apply to every command.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GlobalOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub output: Format,
    pub debug: bool,
}

/// The action a command line requests.
#[derive(Debug)]
pub enum Action {
    /// Print the general help, or one command's help.
    Help(Option<&'static Command>),
    /// Print the version.
    Version,
    /// Run a command with its arguments.
    Run(&'static Command, Arguments),
}

/// A parsed command line.
#[derive(Debug)]
pub struct Invocation {
    pub global: GlobalOptions,
    pub action: Action,
}

/// The values given for a command's options, by option name.
#[derive(Debug, Default)]
pub struct Arguments {
    values: Vec<(&'static str, Vec<String>)>,
}

impl Arguments {
    /// Returns the value of a single-value option.
    pub fn single(&self, name: &str) -> Option<&str> {
        self.values(name)
            .and_then(|values| values.first().map(String::as_str))
    }

    /// Returns every value given for a list option.
    pub fn values(&self, name: &str) -> Option<&[String]> {
        self.values
            .iter()
            .find(|(option, _)| *option == name)
            .map(|(_, values)| values.as_slice())
    }

    fn entry(&mut self, name: &'static str) -> &mut Vec<String> {
        let position = match self.values.iter().position(|(option, _)| *option == name) {
            Some(position) => position,
            None => {
                self.values.push((name, Vec::new()));
                self.values.len() - 1
            }
        };
        &mut self.values[position].1
    }
}

/// A command line that cannot be run: an unknown name, a missing or malformed value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    pub message: String,
    /// The command whose help explains the mistake, when one was named.
    pub command: Option<&'static str>,
}

impl UsageError {
    pub fn new(message: impl Into<String>, command: Option<&'static str>) -> UsageError {
        UsageError {
            message: message.into(),
            command,
        }
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.command {
            Some(command) => write!(
                f,
                "{} (run 'sts {command} --help' for its options)",
                self.message
            ),
            None => write!(f, "{} (run 'sts --help' for usage)", self.message),
        }
    }
}

/// The global options, as shown in the general help.
pub const GLOBAL_OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        name: "--profile",
        value_name: "NAME",
        kind: Kind::Single,
        required: false,
        help: "Profile of the shared AWS config and credentials files to read credentials and settings from [default: AWS_PROFILE, else default]",
    },
    OptionSpec {
        name: "--region",
        value_name: "REGION",
        kind: Kind::Single,
        required: false,
        help: "AWS region, such as eu-west-1 [default: AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region, else the global endpoint sts.amazonaws.com]",
    },
    OptionSpec {
        name: "--endpoint-url",
        value_name: "URL",
        kind: Kind::Single,
        required: false,
        help: "URL to send STS requests to instead of the regional endpoint [default: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, else the profile's endpoint_url]",
    },
    OptionSpec {
        name: "--output",
        value_name: "FORMAT",
        kind: Kind::Single,
        required: false,
        help: "Output format: json, text, env or credential-process [default: json]",
    },
    OptionSpec {
        name: "--debug",
        value_name: "",
        kind: Kind::Flag,
        required: false,
        help: "Log each request to stderr (operation, endpoint, status, request id, time; never a secret)",
    },
    OptionSpec {
        name: "--help",
        value_name: "",
        kind: Kind::Flag,
        required: false,
        help: "Print help, for the command when one is named, and exit",
    },
    OptionSpec {
        name: "--version",
        value_name: "",
        kind: Kind::Flag,
        required: false,
        help: "Print the version and exit",
    },
];

/// Parses the arguments after the program name.
pub fn parse(arguments: &[String]) -> Result<Invocation, UsageError> {
    let mut global = GlobalOptions::default();
    let mut output: Option<String> = None;
    let mut command: Option<&'static Command> = None;
    let mut help_requested = false;
    let mut help_command = false;
    let mut version = false;
    let mut values = Arguments::default();

    let mut index = 0;
    while index < arguments.len() {
        let argument = &arguments[index];
        index += 1;
        let command_name = command.map(|command| command.name);

        if argument == "-h" || argument == "--help" {
            help_requested = true;
            continue;
        }
        if !argument.starts_with("--") {
            if command.is_some() {
                return Err(UsageError::new(
                    format!("unexpected argument {argument:?}"),
                    command_name,
                ));
            }
            if argument == "help" && !help_command {
                help_command = true;
                continue;
            }
            command =
                Some(commands::find(argument).ok_or_else(|| {
                    UsageError::new(format!("unknown command {argument:?}"), None)
                })?);
            continue;
        }

        let (name, inline_value) = match argument.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (argument.as_str(), None),
        };

        if name == "--debug" || name == "--version" {
            if inline_value.is_some() {
                return Err(UsageError::new(
                    format!("{name} takes no value"),
                    command_name,
                ));
            }
            if name == "--debug" {
                global.debug = true;
            } else {
                version = true;
            }
            continue;
        }

        let global_slot = match name {
            "--profile" => Some(&mut global.profile),
            "--region" => Some(&mut global.region),
            "--endpoint-url" => Some(&mut global.endpoint_url),
            "--output" => Some(&mut output),
            _ => None,
        };
        if let Some(slot) = global_slot {
            let value = take_value(name, inline_value, arguments, &mut index, command_name)?;
            if slot.is_some() {
                return Err(UsageError::new(
                    format!("{name} is given more than once"),
                    command_name,
                ));
            }
            *slot = Some(value);
            continue;
        }

        let Some(current) = command else {
            return Err(UsageError::new(
                format!("unknown option {name}; command options go after the command name"),
                None,
            ));
        };
        let Some(spec) = current.options.iter().find(|spec| spec.name == name) else {
            return Err(UsageError::new(
                format!("unknown option {name} for {}", current.name),
                command_name,
            ));
        };
        match spec.kind {
            Kind::Flag => {
                if inline_value.is_some() {
                    return Err(UsageError::new(
                        format!("{name} takes no value"),
                        command_name,
                    ));
                }
                values.entry(spec.name).push(String::new());
            }
            Kind::Single => {
                let value = take_value(name, inline_value, arguments, &mut index, command_name)?;
                let entry = values.entry(spec.name);
                if !entry.is_empty() {
                    return Err(UsageError::new(
                        format!("{name} is given more than once"),
                        command_name,
                    ));
                }
                entry.push(value);
            }
            Kind::List => {
                let mut list = Vec::new();
                if let Some(value) = inline_value {
                    list.push(value);
                }
                while index < arguments.len() && !arguments[index].starts_with("--") {
                    list.push(arguments[index].clone());
                    index += 1;
                }
                if list.is_empty() {
                    return Err(UsageError::new(
                        format!("{name} needs at least one {}", spec.value_name),
                        command_name,
                    ));
                }
                values.entry(spec.name).extend(list);
            }
        }
    }

    if let Some(output) = output {
        global.output = Format::parse(&output).ok_or_else(|| {
            UsageError::new(
                format!("invalid --output {output:?}; use json, text, env or credential-process"),
                command.map(|command| command.name),
            )
        })?;
    }

    let action = if help_requested || help_command {
        Action::Help(command)
    } else if version {
        Action::Version
    } else {
        let Some(command) = command else {
            return Err(UsageError::new("missing command", None));
        };
        for spec in command.options.iter().filter(|spec| spec.required) {
            if values.values(spec.name).is_none() {
                return Err(UsageError::new(
                    format!("missing required option {}", spec.name),
                    Some(command.name),
                ));
            }
        }
        Action::Run(command, values)
    };
    Ok(Invocation { global, action })
}

/// Returns an option's value: the part after `=`, else the next argument.
fn take_value(
    name: &str,
    inline_value: Option<String>,
    arguments: &[String],
    index: &mut usize,
    command: Option<&'static str>,
) -> Result<String, UsageError> {
    if let Some(value) = inline_value {
        return Ok(value);
    }
    match arguments.get(*index) {
        Some(value) => {
            *index += 1;
            Ok(value.clone())
        }
        None => Err(UsageError::new(format!("{name} needs a value"), command)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_words(line: &str) -> Result<Invocation, UsageError> {
        let arguments: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        parse(&arguments)
    }

    fn run_action(line: &str) -> (&'static str, Arguments, GlobalOptions) {
        let invocation = parse_words(line).unwrap();
        match invocation.action {
            Action::Run(command, arguments) => (command.name, arguments, invocation.global),
            other => panic!("expected a command to run, got {other:?}"),
        }
    }

    fn usage_message(line: &str) -> String {
        parse_words(line).unwrap_err().to_string()
    }

    #[test]
    fn global_options_before_and_after_command() {
        let (name, _, global) = run_action(
            "--region eu-west-1 get-caller-identity --output=text --endpoint-url http://127.0.0.1:1 --debug --profile dev",
        );
        assert_eq!(name, "get-caller-identity");
        assert_eq!(global.region.as_deref(), Some("eu-west-1"));
        assert_eq!(global.endpoint_url.as_deref(), Some("http://127.0.0.1:1"));
        assert_eq!(global.output, Format::Text);
        assert!(global.debug);
        assert_eq!(global.profile.as_deref(), Some("dev"));
    }

    #[test]
    fn alias_whoami() {
        let (name, _, global) = run_action("whoami");
        assert_eq!(name, "get-caller-identity");
        assert_eq!(global.output, Format::Json);
    }

    #[test]
    fn single_values_both_spellings() {
        let (name, arguments, _) = run_action(
            "assume-role --role-arn=arn:aws:iam::123456789012:role/r --role-session-name s --duration-seconds 900",
        );
        assert_eq!(name, "assume-role");
        assert_eq!(
            arguments.single("--role-arn"),
            Some("arn:aws:iam::123456789012:role/r")
        );
        assert_eq!(arguments.single("--role-session-name"), Some("s"));
        assert_eq!(arguments.single("--duration-seconds"), Some("900"));
        assert_eq!(arguments.single("--external-id"), None);
    }

    #[test]
    fn value_may_start_with_dash() {
        let (_, arguments, _) =
            run_action("assume-role --role-arn a --role-session-name s --external-id -x-");
        assert_eq!(arguments.single("--external-id"), Some("-x-"));
    }

    #[test]
    fn help_forms() {
        for line in ["--help", "-h", "help"] {
            let invocation = parse_words(line).unwrap();
            assert!(matches!(invocation.action, Action::Help(None)), "{line}");
        }
        for line in [
            "assume-role --help",
            "--help assume-role",
            "help assume-role",
            "assume-role -h",
        ] {
            let invocation = parse_words(line).unwrap();
            let Action::Help(Some(command)) = invocation.action else {
                panic!("{line}: expected the command's help");
            };
            assert_eq!(command.name, "assume-role", "{line}");
        }
    }

    #[test]
    fn help_skips_required_options() {
        let invocation = parse_words("assume-role --help").unwrap();
        assert!(matches!(invocation.action, Action::Help(Some(_))));
    }

    #[test]
    fn version_flag() {
        let invocation = parse_words("--version").unwrap();
        assert!(matches!(invocation.action, Action::Version));
    }

    #[test]
    fn usage_errors() {
        let cases = [
            ("", "missing command (run 'sts --help' for usage)"),
            (
                "frobnicate",
                "unknown command \"frobnicate\" (run 'sts --help' for usage)",
            ),
            (
                "--role-arn x assume-role",
                "unknown option --role-arn; command options go after the command name (run 'sts --help' for usage)",
            ),
            (
                "assume-role --role-session-name s",
                "missing required option --role-arn (run 'sts assume-role --help' for its options)",
            ),
            (
                "whoami --role-arn x",
                "unknown option --role-arn for get-caller-identity (run 'sts get-caller-identity --help' for its options)",
            ),
            (
                "whoami extra",
                "unexpected argument \"extra\" (run 'sts get-caller-identity --help' for its options)",
            ),
            (
                "whoami --region",
                "--region needs a value (run 'sts get-caller-identity --help' for its options)",
            ),
            (
                "whoami --region a --region b",
                "--region is given more than once (run 'sts get-caller-identity --help' for its options)",
            ),
            (
                "whoami --output yaml",
                "invalid --output \"yaml\"; use json, text, env or credential-process (run 'sts get-caller-identity --help' for its options)",
            ),
            (
                "whoami --debug=yes",
                "--debug takes no value (run 'sts get-caller-identity --help' for its options)",
            ),
            (
                "assume-role --role-arn a --role-arn b --role-session-name s",
                "--role-arn is given more than once (run 'sts assume-role --help' for its options)",
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(usage_message(line), expected, "{line:?}");
        }
    }

    #[test]
    fn every_output_format() {
        for (word, format) in [
            ("json", Format::Json),
            ("text", Format::Text),
            ("env", Format::Env),
            ("credential-process", Format::CredentialProcess),
        ] {
            let (_, _, global) = run_action(&format!("whoami --output {word}"));
            assert_eq!(global.output, format, "{word}");
        }
    }
}
