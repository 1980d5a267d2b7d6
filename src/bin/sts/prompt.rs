//! Reading an MFA code that was not given on the command line.

use std::fs::OpenOptions;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};

/// Asks for the current code of the MFA device `serial_number`.
///
/// When standard input is a terminal, the prompt is written to and the code read from the
/// controlling terminal (`/dev/tty`), so it works while stdout and stderr are captured, as
/// they are when `sts` runs as a `credential_process`. Where `/dev/tty` cannot be opened, the
/// prompt goes to stderr and the code is read from stdin. When standard input is not a
/// terminal, its first line is the code and nothing is prompted, so
/// `echo 123456 | sts get-session-token ...` works.
///
/// NOTE: the code is echoed while it is typed; it is valid for one use within a short time.
pub fn token_code(serial_number: &str) -> io::Result<String> {
    let prompt = format!("MFA code for {serial_number}: ");
    let stdin = io::stdin();
    if !stdin.is_terminal() {
        return read_code(&mut stdin.lock(), "standard input");
    }
    match OpenOptions::new().read(true).write(true).open("/dev/tty") {
        Ok(mut terminal) => {
            terminal.write_all(prompt.as_bytes())?;
            terminal.flush()?;
            read_code(&mut BufReader::new(terminal), "the terminal")
        }
        Err(_) => {
            let mut stderr = io::stderr();
            stderr.write_all(prompt.as_bytes())?;
            stderr.flush()?;
            read_code(&mut stdin.lock(), "standard input")
        }
    }
}

/// Reads one line and returns it without surrounding whitespace.
fn read_code(reader: &mut impl BufRead, source: &str) -> io::Result<String> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("{source} ended before a code was entered"),
        ));
    }
    Ok(line.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_first_line_trimmed() {
        let mut input = io::Cursor::new(b" 123456\r\nignored\n".to_vec());
        assert_eq!(read_code(&mut input, "input").unwrap(), "123456");
    }

    #[test]
    fn empty_input_is_an_error() {
        let mut input = io::Cursor::new(Vec::new());
        let error = read_code(&mut input, "standard input").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(
            error.to_string(),
            "standard input ended before a code was entered"
        );
    }
}
