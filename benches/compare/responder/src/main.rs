//! A canned STS responder that keeps connections alive, to show which clients reuse them.
//!
//! moto closes the connection after every response, so against moto every client opens one
//! connection per call. This server responds to every POST with the same GetCallerIdentity
//! document and keeps the connection open (HTTP/1.1 keep-alive) unless the client sends
//! `Connection: close`. It checks no signature.
//!
//! Usage: `sts-bench-responder`. It listens on a free 127.0.0.1 port, prints
//! `listening 127.0.0.1:PORT` on stdout, and exits when its standard input reaches end of
//! file, so it never outlives the script that started it. `GET /__stats` returns
//! `{"connections":C,"requests":R}`: the connections that carried at least one STS request
//! and the STS requests served so far.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

const RESPONSE_BODY: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/moto</Arn>
    <UserId>AKIAIOSFODNN7EXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
"#;

/// Largest request head or body accepted. STS requests are well under a kilobyte.
const MAX_REQUEST_BYTES: usize = 64 * 1024;
/// An idle connection is closed after this long, so abandoned connections do not pile up.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Counters {
    connections: AtomicU64,
    requests: AtomicU64,
}

/// The parts of a request head that the responder uses.
struct RequestHead {
    method: String,
    path: String,
    content_length: usize,
    close: bool,
}

fn main() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    println!("listening {}", listener.local_addr()?);
    io::stdout().flush()?;

    thread::spawn(|| {
        // Reads until end of file, then ends the process.
        let _ = io::copy(&mut io::stdin(), &mut io::sink());
        std::process::exit(0);
    });

    let counters = Arc::new(Counters::default());
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(stream) => stream,
            Err(error) => {
                eprintln!("responder: accept failed: {error}");
                continue;
            }
        };
        let counters = Arc::clone(&counters);
        thread::spawn(move || {
            if let Err(error) = serve(stream, &counters) {
                eprintln!("responder: connection ended with an error: {error}");
            }
        });
    }
    Ok(())
}

/// Serves the requests of one connection until the client closes it or sends
/// `Connection: close`.
fn serve(stream: TcpStream, counters: &Counters) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let mut counted = false;

    loop {
        let Some(head) = read_head(&mut reader)? else {
            return Ok(());
        };
        if head.content_length > MAX_REQUEST_BYTES {
            return Err(invalid_data("request body larger than 64 KiB"));
        }
        let mut body = vec![0; head.content_length];
        reader.read_exact(&mut body)?;

        if head.method == "GET" && head.path == "/__stats" {
            let stats = format!(
                "{{\"connections\":{},\"requests\":{}}}",
                counters.connections.load(Ordering::SeqCst),
                counters.requests.load(Ordering::SeqCst)
            );
            write_response(&mut writer, "application/json", &stats, true)?;
            return Ok(());
        }

        if !counted {
            counters.connections.fetch_add(1, Ordering::SeqCst);
            counted = true;
        }
        counters.requests.fetch_add(1, Ordering::SeqCst);
        write_response(&mut writer, "text/xml", RESPONSE_BODY, head.close)?;
        if head.close {
            return Ok(());
        }
    }
}

/// Reads one request head, or returns `None` when the client closed the connection between requests.
fn read_head(reader: &mut impl BufRead) -> io::Result<Option<RequestHead>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let version = parts.next().unwrap_or_default();
    let mut head = RequestHead {
        method,
        path,
        content_length: 0,
        close: version == "HTTP/1.0",
    };

    let mut head_bytes = line.len();
    loop {
        line.clear();
        let read = reader.read_line(&mut line)?;
        head_bytes += read;
        if read == 0 {
            return Err(invalid_data("connection closed inside a request head"));
        }
        if head_bytes > MAX_REQUEST_BYTES {
            return Err(invalid_data("request head larger than 64 KiB"));
        }
        let header = line.trim_end();
        if header.is_empty() {
            return Ok(Some(head));
        }
        let Some((name, value)) = header.split_once(':') else {
            return Err(invalid_data("header line without a colon"));
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            head.content_length = value
                .parse()
                .map_err(|_| invalid_data("Content-Length is not a number"))?;
        } else if name.eq_ignore_ascii_case("connection") {
            head.close = value.eq_ignore_ascii_case("close");
        }
    }
}

fn write_response(
    writer: &mut TcpStream,
    content_type: &str,
    body: &str,
    close: bool,
) -> io::Result<()> {
    let connection = if close { "close" } else { "keep-alive" };
    let response = format!(
        "HTTP/1.1 200 OK\r\n\
         Content-Type: {content_type}\r\n\
         Content-Length: {}\r\n\
         x-amzn-RequestId: c6104cbe-af31-11e0-8154-cbc7ccf896c7\r\n\
         Connection: {connection}\r\n\
         \r\n\
         {body}",
        body.len()
    );
    writer.write_all(response.as_bytes())?;
    writer.flush()
}

fn invalid_data(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}
