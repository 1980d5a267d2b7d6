//! `credential_process`: a command whose standard output is a JSON credentials document.
//!
//! The command runs through `sh -c` on Unix and `cmd.exe /C` on Windows, as the AWS CLI and
//! the shared conformance suite run it, again on every refresh. Its output must be
//! `{"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ...}` with optional `SessionToken`,
//! `Expiration` (RFC 3339) and `AccountId`.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Deserialize;

use super::parse_timestamp;
use crate::{Credentials, Error};

/// Time a command may run before it is killed. The AWS CLI sets no limit; a limit keeps a hung
/// helper from blocking every signed call of the session for good.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Largest amount of standard output read; a credentials document is a few kilobytes.
const MAX_OUTPUT_BYTES: u64 = 1024 * 1024;
const POLL_INTERVAL: Duration = Duration::from_millis(10);
/// Time allowed, after the command exits, for reading the rest of its output. A process that
/// the command started in the background can keep the pipes open for much longer.
const OUTPUT_DEADLINE_AFTER_EXIT: Duration = Duration::from_secs(2);

/// A configured `credential_process`. Its `Debug` output names the program only, as
/// [`ProcessSource::describe`] does.
#[derive(Clone)]
pub(crate) struct ProcessSource {
    /// The command line, passed to the shell as it is.
    command: String,
    /// The profile's `aws_account_id`, used when the output has no `AccountId`.
    fallback_account_id: Option<String>,
    timeout: Duration,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    version: Option<serde_json::Value>,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    expiration: Option<String>,
    account_id: Option<String>,
}

impl std::fmt::Debug for ProcessSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessSource")
            .field("command", &format_args!("{}", self.describe()))
            .field("fallback_account_id", &self.fallback_account_id)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl ProcessSource {
    pub(crate) fn new(command: impl Into<String>, fallback_account_id: Option<String>) -> Self {
        ProcessSource {
            command: command.into(),
            fallback_account_id,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    #[cfg(test)]
    fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Names the command in messages by its first word only, because its arguments may hold
    /// secrets.
    fn describe(&self) -> String {
        let program = self.command.split_whitespace().next().unwrap_or_default();
        format!("credential_process `{program} ...`")
    }

    /// Runs the command and parses its output.
    pub(crate) fn load(&self) -> Result<Credentials, Error> {
        let (status, stdout, stderr) = self.run()?;
        if !status.success() {
            // Standard error may contain tokens or keys, so neither the error nor the log
            // contains it. The error gives its size, so the user knows whether it is worth
            // running the command by hand.
            return Err(Error::credentials(format!(
                "{} failed: {status}. Its standard error ({} bytes) was not recorded because it \
                 may contain secrets; run the command by hand to see it",
                self.describe(),
                stderr.len()
            )));
        }
        self.parse(&stdout)
    }

    fn run(&self) -> Result<(ExitStatus, Vec<u8>, Vec<u8>), Error> {
        let mut command = if cfg!(windows) {
            let mut command = Command::new("cmd.exe");
            command.arg("/C").arg(&self.command);
            command
        } else {
            let mut command = Command::new("sh");
            command.arg("-c").arg(&self.command);
            command
        };
        let mut child = command
            .stdin(Stdio::inherit())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| {
                Error::credentials(format!("cannot start {}: {error}", self.describe()))
            })?;

        let stdout = PipeReader::start(child.stdout.take(), MAX_OUTPUT_BYTES);
        let stderr = PipeReader::start(child.stderr.take(), MAX_OUTPUT_BYTES);
        let status = self.wait(&mut child)?;

        let deadline = Instant::now() + OUTPUT_DEADLINE_AFTER_EXIT;
        let (stdout, stdout_complete) = stdout.finish(deadline);
        let (stderr, _) = stderr.finish(deadline);
        if !stdout_complete {
            if stdout.is_empty() {
                return Err(Error::credentials(format!(
                    "{} exited ({status}) without output, and a process it started in the \
                     background still holds its standard output open; redirect the output of \
                     background processes, as in `command >/dev/null 2>&1 &`",
                    self.describe()
                )));
            }
            log::warn!(
                "{} exited, but a process it started in the background still holds its \
                 standard output open; using the {} bytes written within {} s of the exit",
                self.describe(),
                stdout.len(),
                OUTPUT_DEADLINE_AFTER_EXIT.as_secs()
            );
        }
        Ok((status, stdout, stderr))
    }

    /// Waits for the command, killing it when the timeout elapses.
    fn wait(&self, child: &mut Child) -> Result<ExitStatus, Error> {
        let started = Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return Ok(status),
                Ok(None) if started.elapsed() < self.timeout => std::thread::sleep(POLL_INTERVAL),
                Ok(None) => {
                    // NOTE: this kills the shell only, so commands it started keep running until
                    // they end. They get no process group of their own, because that would cut
                    // them off from the terminal that MFA prompts read from.
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(Error::credentials(format!(
                        "{} did not finish within {} s and was killed",
                        self.describe(),
                        self.timeout.as_secs()
                    )));
                }
                Err(error) => {
                    return Err(Error::credentials(format!(
                        "cannot wait for {}: {error}",
                        self.describe()
                    )))
                }
            }
        }
    }

    pub(crate) fn parse(&self, stdout: &[u8]) -> Result<Credentials, Error> {
        let invalid = |reason: String| {
            Error::credentials(format!(
                "{} returned invalid output: {reason}; expected a JSON object with Version 1, \
                 AccessKeyId and SecretAccessKey",
                self.describe()
            ))
        };
        let output: Output = serde_json::from_slice(stdout)
            .map_err(|error| invalid(format!("invalid JSON ({error})")))?;
        match output.version.as_ref().and_then(serde_json::Value::as_i64) {
            Some(1) => {}
            Some(other) => return Err(invalid(format!("Version {other} is not supported"))),
            None => return Err(invalid("Version is missing or not a number".to_string())),
        }
        let access_key_id = output
            .access_key_id
            .filter(|value| !value.is_empty())
            .ok_or_else(|| invalid("AccessKeyId is missing".to_string()))?;
        let secret_access_key = output
            .secret_access_key
            .filter(|value| !value.is_empty())
            .ok_or_else(|| invalid("SecretAccessKey is missing".to_string()))?;
        let expiration =
            match output.expiration {
                Some(value) => Some(parse_timestamp(&value).map_err(|reason| {
                    invalid(format!("Expiration {value:?} is invalid: {reason}"))
                })?),
                None => None,
            };
        let mut credentials = Credentials::new(
            access_key_id,
            secret_access_key,
            output.session_token.filter(|value| !value.is_empty()),
            expiration,
        );
        let account_id = output
            .account_id
            .filter(|value| !value.is_empty())
            .or_else(|| self.fallback_account_id.clone());
        if let Some(account_id) = account_id {
            credentials = credentials.with_account_id(account_id);
        }
        Ok(credentials)
    }
}

/// A pipe read to its end on another thread, so a command that fills one pipe while this
/// thread waits on the other cannot deadlock.
struct PipeReader {
    /// The bytes read so far.
    buffer: Arc<Mutex<Vec<u8>>>,
    /// Receives a message, or disconnects, when the reading thread ends.
    finished: Receiver<()>,
}

impl PipeReader {
    /// Starts reading `pipe`, up to `limit` bytes, on a new thread.
    fn start(pipe: Option<impl Read + Send + 'static>, limit: u64) -> PipeReader {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let (sender, finished) = mpsc::channel();
        let shared = Arc::clone(&buffer);
        std::thread::spawn(move || {
            if let Some(pipe) = pipe {
                read_into(pipe.take(limit), &shared);
            }
            let _ = sender.send(());
        });
        PipeReader { buffer, finished }
    }

    /// Waits until `deadline` at most for the end of the pipe. Returns the bytes read and
    /// whether the end was reached.
    ///
    /// NOTE: a reading thread that misses the deadline keeps running until every process
    /// holding the pipe closes it.
    fn finish(self, deadline: Instant) -> (Vec<u8>, bool) {
        let wait = deadline.saturating_duration_since(Instant::now());
        let complete = !matches!(
            self.finished.recv_timeout(wait),
            Err(RecvTimeoutError::Timeout)
        );
        let mut buffer = self.buffer.lock().unwrap_or_else(PoisonError::into_inner);
        (std::mem::take(&mut *buffer), complete)
    }
}

/// Appends what `pipe` delivers to `buffer` until the end of the pipe or a read error.
fn read_into(mut pipe: impl Read, buffer: &Mutex<Vec<u8>>) {
    let mut chunk = [0u8; 8192];
    loop {
        match pipe.read(&mut chunk) {
            Ok(0) => return,
            Ok(count) => buffer
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend_from_slice(&chunk[..count]),
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn source(command: &str) -> ProcessSource {
        ProcessSource::new(command, Some("111122223333".to_string()))
    }

    #[test]
    fn complete_output() {
        let command = r#"echo '{"Version": 1, "AccessKeyId": "ASIA", "SecretAccessKey": "s",
            "SessionToken": "t", "Expiration": "2030-01-02T03:04:05Z", "AccountId": "123456789012"}'"#;
        let credentials = source(command).load().unwrap();
        assert_eq!(credentials.access_key_id(), "ASIA");
        assert_eq!(credentials.session_token(), Some("t"));
        assert_eq!(
            credentials.expiration(),
            Some(time::macros::datetime!(2030-01-02 03:04:05 UTC))
        );
        assert_eq!(credentials.account_id(), Some("123456789012"));
    }

    #[test]
    fn account_id_falls_back_to_the_profile() {
        let command = r#"echo '{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "s"}'"#;
        let credentials = source(command).load().unwrap();
        assert_eq!(credentials.account_id(), Some("111122223333"));
        assert_eq!(credentials.expiration(), None);
    }

    #[test]
    fn failing_command_hides_stderr() {
        let error = source("echo 'secret-token-123' >&2; exit 3")
            .load()
            .unwrap_err();
        let message = error.to_string();
        assert!(!message.contains("secret-token-123"), "{message}");
        assert_eq!(
            message,
            "credential_process `echo ...` failed: exit status: 3. Its standard error (17 \
             bytes) was not recorded because it may contain secrets; run the command by hand \
             to see it"
        );
    }

    #[test]
    fn bad_output_is_explained() {
        let cases = [
            ("echo 'invalid json'", "invalid JSON"),
            (r#"echo '{"Version": 2}'"#, "Version 2 is not supported"),
            (r#"echo '{"AccessKeyId": "A"}'"#, "Version is missing"),
            (
                r#"echo '{"Version": 1, "SecretAccessKey": "s"}'"#,
                "AccessKeyId is missing",
            ),
            (
                r#"echo '{"Version": 1, "AccessKeyId": "A"}'"#,
                "SecretAccessKey is missing",
            ),
            (
                r#"echo '{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "s", "Expiration": "soon"}'"#,
                "Expiration \"soon\" is invalid",
            ),
        ];
        for (command, expected) in cases {
            let error = source(command).load().unwrap_err().to_string();
            assert!(error.contains(expected), "{command}: {error}");
        }
    }

    #[test]
    fn background_child_holding_stdout() {
        let command =
            r#"printf '{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "s"}'; sleep 20 &"#;
        let started = Instant::now();
        let credentials = source(command).load().unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(credentials.access_key_id(), "AKID");
    }

    #[test]
    fn background_child_without_output() {
        let started = Instant::now();
        let error = source("sleep 20 &").load().unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "took {:?}",
            started.elapsed()
        );
        let message = error.to_string();
        assert!(
            message.contains("still holds its standard output open"),
            "{message}"
        );
    }

    #[test]
    fn debug_output_names_the_program_only() {
        let debug = format!("{:?}", source("get-credentials --password hunter2"));
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("get-credentials ..."), "{debug}");
    }

    #[test]
    fn hung_command_is_killed() {
        let started = Instant::now();
        let error = source("sleep 30")
            .with_timeout(Duration::from_millis(300))
            .load()
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(
            error.to_string().contains("did not finish within"),
            "{error}"
        );
    }
}
