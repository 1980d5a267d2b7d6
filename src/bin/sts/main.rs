//! `sts`: AWS STS from shells, scripts and `credential_process`, built on the blocking
//! `aws-sts-blocking` client.
//!
//! Exit status: 0 on success, 1 when the call fails, 2 when the command line is invalid.
#![forbid(unsafe_code)]

mod args;
mod commands;
mod help;
mod logger;
mod output;
mod prompt;

use std::io::{self, Write};
use std::process::ExitCode;

use aws_sts_blocking::{AwsSession, Environment, Error, StsClient};

use crate::args::{Action, Arguments, GlobalOptions, UsageError};
use crate::commands::{Command, Failure, Response};
use crate::output::Format;

const EXIT_CALL_FAILED: u8 = 1;
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let mut arguments = Vec::new();
    for argument in std::env::args_os().skip(1) {
        match argument.into_string() {
            Ok(argument) => arguments.push(argument),
            Err(argument) => {
                return report(&Failure::Usage(UsageError::new(
                    format!("argument {argument:?} is not valid UTF-8"),
                    None,
                )))
            }
        }
    }

    let invocation = match args::parse(&arguments) {
        Ok(invocation) => invocation,
        Err(error) => return report(&Failure::Usage(error)),
    };
    if invocation.global.debug {
        logger::init();
    }

    match invocation.action {
        Action::Help(None) => write_stdout(&help::general()),
        Action::Help(Some(command)) => write_stdout(&help::command(command)),
        Action::Version => write_stdout(&format!("sts {}\n", env!("CARGO_PKG_VERSION"))),
        Action::Run(command, arguments) => match run(command, &arguments, &invocation.global) {
            Ok(text) => write_stdout(&text),
            Err(failure) => report(&failure),
        },
    }
}

/// Runs a command and returns what to print on stdout.
fn run(
    command: &Command,
    arguments: &Arguments,
    global: &GlobalOptions,
) -> Result<String, Failure> {
    if global.output.needs_credentials() && !command.returns_credentials {
        return Err(Failure::Usage(UsageError::new(
            format!(
                "--output {} prints credentials, but {} returns none; use json or text",
                global.output.name(),
                command.name
            ),
            Some(command.name),
        )));
    }

    let client = build_client(global, command)?;
    log::debug!(
        "running {} ({}) against {}, signed for region {}",
        command.name,
        command.operation,
        client.endpoint(),
        client.signing_region()
    );
    let response = command.run(&client, arguments)?;
    Ok(render(&response, global.output))
}

fn build_client(global: &GlobalOptions, command: &Command) -> Result<StsClient, Failure> {
    let mut builder = AwsSession::builder();
    if let Some(region) = &global.region {
        builder = builder.region(region);
    }
    if let Some(url) = &global.endpoint_url {
        builder = builder.endpoint_url(url);
    }
    if let Some(profile) = &global.profile {
        builder = builder.profile(profile);
    }
    // Profiles with mfa_serial read a code the same way as --serial-number without
    // --token-code.
    builder = builder.mfa_token_provider(prompt::token_code);

    let session = builder
        .build()
        .map_err(|error| classify_build_error(error, global, command))?;
    StsClient::new(None, None, Some(session)).map_err(|error| Failure::Call {
        operation: command.operation,
        error,
    })
}

/// Returns a usage error when the session failed to build because of a malformed --region
/// or --endpoint-url, and a call failure otherwise (for example a malformed config file).
fn classify_build_error(error: Error, global: &GlobalOptions, command: &Command) -> Failure {
    // Builds a session from the command-line values alone, with nothing else to read.
    let mut check = AwsSession::builder().environment(Environment::empty());
    if let Some(region) = &global.region {
        check = check.region(region);
    }
    if let Some(url) = &global.endpoint_url {
        check = check.endpoint_url(url);
    }
    match check.build() {
        Err(check_error) => {
            Failure::Usage(UsageError::new(check_error.to_string(), Some(command.name)))
        }
        Ok(_) => Failure::Call {
            operation: command.operation,
            error,
        },
    }
}

fn render(response: &Response, format: Format) -> String {
    match (format, &response.credentials) {
        (Format::Json, _) => output::render_json(&response.document),
        (Format::Text, _) => output::render_text(&response.document),
        (Format::Env, Some(credentials)) => output::render_env(credentials),
        (Format::CredentialProcess, Some(credentials)) => {
            output::render_credential_process(credentials, response.account_id.as_deref())
        }
        // `run` rejects these formats for commands without credentials before calling STS.
        (Format::Env | Format::CredentialProcess, None) => output::render_json(&response.document),
    }
}

fn write_stdout(text: &str) -> ExitCode {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away, as with `sts ... | head -c 0`; there is no one to tell.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(EXIT_CALL_FAILED),
        Err(error) => {
            eprintln!("sts: error: failed to write the output: {error}");
            ExitCode::from(EXIT_CALL_FAILED)
        }
    }
}

/// Prints the failure as one line on stderr and returns its exit status.
fn report(failure: &Failure) -> ExitCode {
    let (message, status) = match failure {
        Failure::Usage(error) => (error.to_string(), EXIT_USAGE),
        Failure::Call { operation, error } => {
            // An argument that the library rejects before sending is a usage error too.
            let status = if matches!(error, Error::InvalidInput { .. }) {
                EXIT_USAGE
            } else {
                EXIT_CALL_FAILED
            };
            (
                format!("{operation} failed: {}", with_causes(error)),
                status,
            )
        }
    };
    let one_line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    eprintln!("sts: error: {one_line}");
    ExitCode::from(status)
}

/// Returns the error's message followed by those of its causes that it does not already
/// contain, such as the STS error behind a failed credential source.
fn with_causes(error: &Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}
