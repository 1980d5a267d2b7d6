//! The `--debug` logger: this crate's and the library's log records, one line each on stderr.

use log::{LevelFilter, Log, Metadata, Record};

struct StderrLogger;

static LOGGER: StderrLogger = StderrLogger;

impl Log for StderrLogger {
    /// Accepts only the library's and this program's records. Those of `ureq` and its
    /// protocol crate are left out because at `trace` they show request bytes, signature
    /// headers included.
    fn enabled(&self, metadata: &Metadata) -> bool {
        let target = metadata.target();
        target.starts_with("aws_sts_blocking") || target == "sts" || target.starts_with("sts::")
    }

    fn log(&self, record: &Record) {
        if self.enabled(record.metadata()) {
            eprintln!(
                "sts: {}: {}: {}",
                record.level().as_str().to_lowercase(),
                record.target(),
                record.args()
            );
        }
    }

    fn flush(&self) {}
}

/// Installs the logger at `debug` level.
pub fn init() {
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(LevelFilter::Debug);
    }
}
