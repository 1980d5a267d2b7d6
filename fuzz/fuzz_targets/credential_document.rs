//! Feeds arbitrary bytes to the credential_process output parser and to the container and
//! instance metadata credentials document parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    aws_sts_blocking::fuzzing::parse_credential_documents(data);
});
