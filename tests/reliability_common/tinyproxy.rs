//! A tinyproxy server from Debian's `tinyproxy` package, started on a free 127.0.0.1 port with
//! its own configuration and log file.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Maximum time from starting tinyproxy to its port accepting connections.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A running tinyproxy; dropping it stops the process.
pub struct Tinyproxy {
    child: Child,
    port: u16,
    log_file: PathBuf,
}

impl Tinyproxy {
    /// Starts tinyproxy in the foreground with a configuration that allows CONNECT to any
    /// port and logs every request.
    ///
    /// Panics when the `tinyproxy` binary is missing or does not start listening within 10 s.
    pub fn start(name: &str) -> Tinyproxy {
        let binary = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"]
            .into_iter()
            .map(Path::new)
            .find(|path| path.exists())
            .expect(
                "tinyproxy is not installed; install the Debian package tinyproxy, as \
                 scripts/install-test-deps does",
            );

        let dir = std::env::temp_dir().join(format!(
            "aws-sts-blocking-tinyproxy-{name}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let log_file = dir.join("tinyproxy.log");
        let _ = std::fs::remove_file(&log_file);
        // Bind and drop a listener to pick a free port for tinyproxy.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // No ConnectPort line means CONNECT is allowed to every port, and no Allow line means
        // every client is allowed.
        let config = format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 50\nLogLevel Info\n\
             LogFile \"{}\"\n",
            log_file.display()
        );
        let config_file = dir.join("tinyproxy.conf");
        std::fs::write(&config_file, config).unwrap();

        let child = Command::new(binary)
            .arg("-d")
            .arg("-c")
            .arg(&config_file)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("failed to start {}: {error}", binary.display()));
        let proxy = Tinyproxy {
            child,
            port,
            log_file,
        };
        proxy.wait_until_listening();
        proxy
    }

    fn wait_until_listening(&self) {
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < START_TIMEOUT,
                "tinyproxy did not listen on 127.0.0.1:{} within {START_TIMEOUT:?}; log:\n{}",
                self.port,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Returns `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Returns the log file's contents so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_file).unwrap_or_default()
    }

    /// Returns the request lines tinyproxy logged, such as `CONNECT 127.0.0.1:5000 HTTP/1.1`.
    pub fn requests(&self) -> Vec<String> {
        self.log()
            .lines()
            .filter_map(|line| line.split_once("Request (file descriptor "))
            .filter_map(|(_, rest)| rest.split_once("): "))
            .map(|(_, request)| request.trim().to_string())
            .collect()
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
