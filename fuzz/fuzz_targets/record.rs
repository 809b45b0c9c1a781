#![no_main]
// Loading a record and rendering its reports, from any bytes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| vse_assess::fuzz::record(data));
