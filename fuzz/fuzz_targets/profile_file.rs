//! Feeds arbitrary text to the shared config and credentials file parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    aws_sts_blocking::fuzzing::parse_profile_files(data);
});
