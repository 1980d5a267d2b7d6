//! A scripted HTTP/1.1 server for failures that moto cannot produce: stalls,
//! slow bodies, dropped connections, truncated and malformed responses.
//!
//! A [`FaultServer`] responds to the n-th request it reads, counted over all
//! connections, with the n-th [`Step`] of its script. Once the script runs
//! out, the last step handles every further request, so a script that should
//! stop responding ends with [`Step::Close`].

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Maximum size of a request line plus headers.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Maximum time [`FaultServer`]'s `Drop` waits for connection threads.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(2);

/// An HTTP response for a [`Step`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header fields in the order they are sent.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// Creates a response with `status`, no headers and an empty body.
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Appends a header field.
    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Response {
        self.body = body.into();
        self
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// Returns the status line and header section, with a `Content-Length`
    /// of the full body unless the headers set `Content-Length` or
    /// `Transfer-Encoding` themselves.
    fn head_bytes(&self) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\n",
            self.status,
            reason_phrase(self.status)
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !self.has_header("content-length") && !self.has_header("transfer-encoding") {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        head.push_str("\r\n");
        head.into_bytes()
    }

    fn closes_connection(&self) -> bool {
        self.headers.iter().any(|(name, value)| {
            name.eq_ignore_ascii_case("connection") && value.eq_ignore_ascii_case("close")
        })
    }
}

/// What the server does with one request, after reading it completely.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Sends the response, then keeps the connection open for the next
    /// request unless the request or the response has `Connection: close` or
    /// the request is HTTP/1.0.
    Respond(Response),
    /// Sends nothing and keeps the connection open for the duration, then
    /// closes it.
    Stall(Duration),
    /// Sends the status line and headers at once, then the body one byte at a
    /// time, waiting `interval` before each byte. Keeps the connection open
    /// afterwards as [`Step::Respond`] does.
    Drip {
        /// The response to send.
        response: Response,
        /// The wait before each body byte.
        interval: Duration,
    },
    /// Closes the connection without sending anything.
    Close,
    /// Sends the status line, the headers (with the `Content-Length` of the
    /// full body) and the first `sent_bytes` bytes of the body, then closes
    /// the connection.
    CloseMidBody {
        /// The response whose body is cut.
        response: Response,
        /// How many body bytes to send before closing.
        sent_bytes: usize,
    },
    /// Sends the bytes exactly as given, then closes the connection.
    Raw(Vec<u8>),
}

/// A request as the server read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method, such as `POST`.
    pub method: String,
    /// The request target, such as `/` or `/?Action=GetCallerIdentity`.
    pub path: String,
    /// The HTTP version, such as `HTTP/1.1`.
    pub version: String,
    /// Header fields in arrival order, names in lowercase.
    pub headers: Vec<(String, String)>,
    /// The body, read by `Content-Length`.
    pub body: Vec<u8>,
    /// The index of the connection, in accept order from 0, that carried the
    /// request.
    pub connection: usize,
}

impl RecordedRequest {
    /// Returns the value of the first header named `name`, in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Returns the body as UTF-8 text, replacing invalid bytes.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// State shared by the accept thread, the connection threads and the handle.
struct Shared {
    steps: Vec<Step>,
    requests: Mutex<Vec<RecordedRequest>>,
    connections: AtomicUsize,
    shutting_down: AtomicBool,
    /// Wakes stalls and drips when the server shuts down.
    shutdown_signal: (Mutex<bool>, Condvar),
    /// Clones of the open connections, so that shutdown can unblock their reads.
    streams: Mutex<Vec<TcpStream>>,
    handlers: Mutex<Vec<JoinHandle<()>>>,
}

impl Shared {
    /// Waits for `duration` and returns true, or returns false as soon as the
    /// server starts shutting down.
    fn sleep(&self, duration: Duration) -> bool {
        let (flag, condvar) = &self.shutdown_signal;
        let guard = lock(flag);
        let (guard, _) = condvar
            .wait_timeout_while(guard, duration, |shutting_down| !*shutting_down)
            .unwrap_or_else(PoisonError::into_inner);
        !*guard
    }

    /// Records `request` and returns the step that responds to it.
    fn record(&self, request: RecordedRequest) -> Step {
        let mut requests = lock(&self.requests);
        let index = requests.len().min(self.steps.len() - 1);
        requests.push(request);
        self.steps[index].clone()
    }
}

/// A scripted HTTP/1.1 server on 127.0.0.1 with one thread per connection.
///
/// Dropping it closes every connection and waits up to 2 s for the
/// connection threads to end.
pub struct FaultServer {
    address: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl FaultServer {
    /// Starts a server on a free 127.0.0.1 port that responds to requests
    /// with `steps` in order, repeating the last step once the script runs out.
    ///
    /// Panics if `steps` is empty.
    pub fn start(steps: Vec<Step>) -> FaultServer {
        assert!(
            !steps.is_empty(),
            "FaultServer::start needs at least one step"
        );
        let listener = TcpListener::bind("127.0.0.1:0").expect("failed to bind 127.0.0.1:0");
        let address = listener
            .local_addr()
            .expect("failed to read the bound address");
        let shared = Arc::new(Shared {
            steps,
            requests: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
            shutting_down: AtomicBool::new(false),
            shutdown_signal: (Mutex::new(false), Condvar::new()),
            streams: Mutex::new(Vec::new()),
            handlers: Mutex::new(Vec::new()),
        });
        let acceptor_shared = Arc::clone(&shared);
        let acceptor = thread::spawn(move || accept_connections(&listener, &acceptor_shared));
        FaultServer {
            address,
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// Returns the base URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Returns the socket address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Returns every request read so far, in the order the steps handled them.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// Returns the number of requests read so far. A request is counted
    /// before its step runs, so before any byte of its response is sent.
    pub fn request_count(&self) -> usize {
        lock(&self.shared.requests).len()
    }

    /// Returns the number of connections accepted so far.
    pub fn connection_count(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.shared.shutting_down.store(true, Ordering::SeqCst);
        {
            let (flag, condvar) = &self.shared.shutdown_signal;
            *lock(flag) = true;
            condvar.notify_all();
        }
        // Wakes the accept thread, which then reads the flag and returns.
        let _ = TcpStream::connect(self.address);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        for stream in lock(&self.shared.streams).iter() {
            let _ = stream.shutdown(Shutdown::Both);
        }

        let deadline = Instant::now() + SHUTDOWN_WAIT;
        let mut handlers = std::mem::take(&mut *lock(&self.shared.handlers));
        while !handlers.iter().all(JoinHandle::is_finished) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
        }
        let running = handlers
            .iter()
            .filter(|handler| !handler.is_finished())
            .count();
        if running > 0 {
            eprintln!("support::fault: {running} connection threads still running after {SHUTDOWN_WAIT:?}; leaving them detached");
        }
        for handler in handlers.drain(..).filter(JoinHandle::is_finished) {
            let _ = handler.join();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn accept_connections(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.shutting_down.load(Ordering::SeqCst) {
            return;
        }
        let stream = match stream {
            Ok(stream) => stream,
            Err(error) => {
                eprintln!("support::fault: accept failed: {error}");
                continue;
            }
        };
        let connection = shared.connections.fetch_add(1, Ordering::SeqCst);
        match stream.try_clone() {
            Ok(clone) => lock(&shared.streams).push(clone),
            Err(error) => {
                eprintln!("support::fault: failed to clone connection {connection}: {error}")
            }
        }
        let handler_shared = Arc::clone(shared);
        let handler = thread::spawn(move || serve_connection(stream, connection, &handler_shared));
        lock(&shared.handlers).push(handler);
    }
}

/// Reads requests from one connection and runs the step of each until a step
/// or the client closes the connection.
fn serve_connection(stream: TcpStream, connection: usize, shared: &Shared) {
    let mut writer = match stream.try_clone() {
        Ok(writer) => writer,
        Err(error) => {
            eprintln!("support::fault: failed to clone connection {connection}: {error}");
            return;
        }
    };
    let mut reader = BufReader::new(stream);
    loop {
        let request = match read_request(&mut reader, connection) {
            Ok(Some(request)) => request,
            // The client closed the connection between requests.
            Ok(None) => return,
            Err(error) => {
                if !shared.shutting_down.load(Ordering::SeqCst) {
                    eprintln!("support::fault: dropped connection {connection}: {error}");
                }
                return;
            }
        };
        let request_closes = request_closes_connection(&request);
        let step = shared.record(request);
        // An error means the client went away mid-response, which some tests
        // cause on purpose.
        let keep_open = run_step(&step, &mut writer, shared).unwrap_or(false);
        if !keep_open || request_closes {
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
    }
}

/// Runs `step` on the connection. Returns whether the connection may carry
/// another request.
fn run_step(step: &Step, writer: &mut TcpStream, shared: &Shared) -> io::Result<bool> {
    match step {
        Step::Respond(response) => {
            writer.write_all(&response.head_bytes())?;
            writer.write_all(&response.body)?;
            writer.flush()?;
            Ok(!response.closes_connection())
        }
        Step::Stall(duration) => {
            shared.sleep(*duration);
            Ok(false)
        }
        Step::Drip { response, interval } => {
            writer.write_all(&response.head_bytes())?;
            writer.flush()?;
            for byte in &response.body {
                if !shared.sleep(*interval) {
                    return Ok(false);
                }
                writer.write_all(std::slice::from_ref(byte))?;
                writer.flush()?;
            }
            Ok(!response.closes_connection())
        }
        Step::Close => Ok(false),
        Step::CloseMidBody {
            response,
            sent_bytes,
        } => {
            let sent = (*sent_bytes).min(response.body.len());
            writer.write_all(&response.head_bytes())?;
            writer.write_all(&response.body[..sent])?;
            writer.flush()?;
            Ok(false)
        }
        Step::Raw(bytes) => {
            writer.write_all(bytes)?;
            writer.flush()?;
            Ok(false)
        }
    }
}

fn request_closes_connection(request: &RecordedRequest) -> bool {
    match request.header("connection") {
        Some(value) => value.eq_ignore_ascii_case("close"),
        None => request.version == "HTTP/1.0",
    }
}

/// Reads one request. Returns `Ok(None)` if the connection ends before the
/// first byte of a request.
///
/// NOTE: a chunked request body is not supported. Such a request fails with
/// an error and its connection is dropped without a response.
fn read_request(
    reader: &mut BufReader<TcpStream>,
    connection: usize,
) -> io::Result<Option<RecordedRequest>> {
    let mut head_bytes = 0;
    let mut lines = Vec::new();
    loop {
        let mut line = Vec::new();
        let read = reader
            .by_ref()
            .take((MAX_HEAD_BYTES - head_bytes) as u64 + 1)
            .read_until(b'\n', &mut line)?;
        if read == 0 {
            if lines.is_empty() {
                return Ok(None);
            }
            return Err(invalid("connection closed inside the request head"));
        }
        head_bytes += read;
        if head_bytes > MAX_HEAD_BYTES {
            return Err(invalid("request head is larger than 64 KiB"));
        }
        let line = String::from_utf8(line).map_err(|_| invalid("request head is not UTF-8"))?;
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        if line.is_empty() {
            if lines.is_empty() {
                // Tolerates an empty line before the request line (RFC 9112, section 2.2).
                continue;
            }
            break;
        }
        lines.push(line);
    }

    let request_line = &lines[0];
    let mut parts = request_line.split(' ');
    let (Some(method), Some(path), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid(&format!("invalid request line {request_line:?}")));
    };
    let mut headers = Vec::new();
    for line in &lines[1..] {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| invalid(&format!("invalid header line {line:?}")))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let mut request = RecordedRequest {
        method: method.to_string(),
        path: path.to_string(),
        version: version.to_string(),
        headers,
        body: Vec::new(),
        connection,
    };

    if request.header("transfer-encoding").is_some() {
        return Err(invalid("chunked request bodies are not supported"));
    }
    if let Some(length) = request.header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| invalid(&format!("invalid Content-Length {length:?}")))?;
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        request.body = body;
    }
    Ok(Some(request))
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_string())
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}
