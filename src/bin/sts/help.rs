//! Help text for the program and for each command.

use std::fmt::Write as _;

use crate::args::{Kind, OptionSpec, GLOBAL_OPTIONS};
use crate::commands::{Command, COMMANDS};

/// Width that help text is wrapped to.
const WIDTH: usize = 100;
/// Column where option and command descriptions start.
const DESCRIPTION_COLUMN: usize = 30;

/// Renders `sts --help`.
pub fn general() -> String {
    let mut text = format!(
        "sts {}: call AWS STS from shells, scripts and credential_process\n\n",
        env!("CARGO_PKG_VERSION")
    );
    text.push_str("Usage: sts [GLOBAL OPTIONS] COMMAND [OPTIONS]\n");
    text.push_str("       sts help [COMMAND]\n\nCommands:\n");
    for command in COMMANDS {
        let mut summary = command.summary.to_string();
        if !command.aliases.is_empty() {
            let _ = write!(summary, " (alias: {})", command.aliases.join(", "));
        }
        write_entry(&mut text, command.name, &summary);
    }
    text.push_str("\nGlobal options, accepted before or after the command:\n");
    for spec in GLOBAL_OPTIONS {
        write_entry(&mut text, &option_label(spec), spec.help);
    }
    text.push('\n');
    write_paragraph(&mut text, CREDENTIALS_NOTE);
    write_paragraph(&mut text, VALUES_NOTE);
    write_paragraph(&mut text, EXIT_STATUS_NOTE);
    text
}

/// Renders `sts COMMAND --help`.
pub fn command(command: &Command) -> String {
    let mut text = usage(command);
    text.push('\n');

    write_paragraph(
        &mut text,
        &format!("{} (STS {}).", command.summary, command.operation),
    );
    if !command.aliases.is_empty() {
        write_paragraph(
            &mut text,
            &format!("Alias: {}.", command.aliases.join(", ")),
        );
    }
    if !command.options.is_empty() {
        text.push_str("Options:\n");
        for spec in command.options {
            let help = if spec.required {
                format!("(required) {}", spec.help)
            } else {
                spec.help.to_string()
            };
            write_entry(&mut text, &option_label(spec), &help);
        }
        text.push('\n');
    }

    let formats = if command.returns_credentials {
        "json (default), text, env or credential-process"
    } else {
        "json (default) or text"
    };
    write_paragraph(&mut text, &format!("Output formats: {formats}."));
    write_paragraph(
        &mut text,
        "Global options such as --profile, --region and --output are listed by 'sts --help'.",
    );
    text
}

/// Renders the usage line of a command with its required options. A long line continues on
/// indented lines.
fn usage(command: &Command) -> String {
    let mut usage = format!("Usage: sts {}", command.name);
    for spec in command.options.iter().filter(|spec| spec.required) {
        let _ = write!(usage, " {}", option_label(spec));
    }
    if command.options.iter().any(|spec| !spec.required) {
        usage.push_str(" [OPTIONS]");
    }

    let mut text = String::new();
    for (index, line) in wrap(&usage, WIDTH - 4).iter().enumerate() {
        let indent = if index == 0 { "" } else { "    " };
        let _ = writeln!(text, "{indent}{line}");
    }
    text
}

const CREDENTIALS_NOTE: &str = "Credentials are found as the AWS CLI finds them: \
AWS_ACCESS_KEY_ID and the related variables (skipped when --profile is given), the profile's \
static keys, role_arn with source_profile or credential_source, web_identity_token_file, \
credential_process or SSO, AWS_WEB_IDENTITY_TOKEN_FILE, the container endpoint, and EC2 \
instance metadata. For a profile with mfa_serial, sts reads the MFA code as it does for \
--serial-number without --token-code.";

const VALUES_NOTE: &str = "An option value written file://PATH is replaced by the contents of \
that file. List options take several values, separated by spaces, up to the next option.";

const EXIT_STATUS_NOTE: &str = "Exit status: 0 on success, 1 when the call fails, 2 when the \
command line is invalid. Errors are printed to stderr with the STS error code and request id.";

fn option_label(spec: &OptionSpec) -> String {
    match spec.kind {
        Kind::Flag => spec.name.to_string(),
        Kind::Single => format!("{} {}", spec.name, spec.value_name),
        Kind::List => format!("{} {} ...", spec.name, spec.value_name),
    }
}

/// Writes a two-column entry: the label, then the description wrapped at [`WIDTH`].
fn write_entry(text: &mut String, label: &str, description: &str) {
    let indent = " ".repeat(DESCRIPTION_COLUMN);
    let mut lines = wrap(description, WIDTH - DESCRIPTION_COLUMN).into_iter();
    let first = lines.next().unwrap_or_default();
    if label.len() + 4 <= DESCRIPTION_COLUMN {
        let _ = writeln!(
            text,
            "  {label:<width$}{first}",
            width = DESCRIPTION_COLUMN - 2
        );
    } else {
        let _ = writeln!(text, "  {label}");
        let _ = writeln!(text, "{indent}{first}");
    }
    for line in lines {
        let _ = writeln!(text, "{indent}{line}");
    }
}

fn write_paragraph(text: &mut String, paragraph: &str) {
    for line in wrap(paragraph, WIDTH) {
        let _ = writeln!(text, "{line}");
    }
    text.push('\n');
}

/// Splits text into lines of at most `width` characters at spaces; a longer word gets a line
/// of its own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_at_spaces() {
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("averylongword x", 4), vec!["averylongword", "x"]);
        assert!(wrap("", 10).is_empty());
    }

    #[test]
    fn general_help_lists_every_command_and_global_option() {
        let text = general();
        for command in COMMANDS {
            assert!(text.contains(command.name), "{}", command.name);
        }
        for spec in GLOBAL_OPTIONS {
            assert!(text.contains(spec.name), "{}", spec.name);
        }
        assert!(text.lines().all(|line| line.chars().count() <= WIDTH));
    }

    #[test]
    fn command_help_lists_every_option() {
        for command in COMMANDS {
            let text = super::command(command);
            assert!(text.starts_with(&format!("Usage: sts {}", command.name)));
            for spec in command.options {
                assert!(text.contains(spec.name), "{} {}", command.name, spec.name);
            }
            assert!(
                text.lines().all(|line| line.chars().count() <= WIDTH),
                "{}",
                command.name
            );
        }
    }
}
