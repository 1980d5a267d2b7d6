//! Feeds arbitrary bodies and statuses to the STS response reader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    aws_sts_blocking::fuzzing::read_responses(data);
});
