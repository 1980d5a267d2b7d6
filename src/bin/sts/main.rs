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
    // Checks the command-line values on their own first, so that a malformed --region or
    // --endpoint-url is reported as a usage error rather than as a failed call.
    let mut check = AwsSession::builder().environment(Environment::empty());
    let mut builder = AwsSession::builder();
    if let Some(region) = &global.region {
        check = check.region(region);
        builder = builder.region(region);
    }
    if let Some(url) = &global.endpoint_url {
        check = check.endpoint_url(url);
        builder = builder.endpoint_url(url);
    }
    if let Err(error) = check.build() {
        return Err(Failure::Usage(UsageError::new(
            error.to_string(),
            Some(command.name),
        )));
    }
    if global.profile.is_some() {
        // TODO: pass the profile to the session builder once it reads the shared config files.
        return Err(Failure::Usage(UsageError::new(
            "--profile is not supported yet: this version reads credentials from environment variables only",
            Some(command.name),
        )));
    }

    let failure = |error: Error| Failure::Call {
        operation: command.operation,
        error,
    };
    let session = builder.build().map_err(failure)?;
    StsClient::new(None, None, Some(session)).map_err(failure)
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
            (format!("{operation} failed: {error}"), status)
        }
    };
    let one_line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    eprintln!("sts: error: {one_line}");
    ExitCode::from(status)
}
