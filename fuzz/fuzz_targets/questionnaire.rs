#![no_main]
// Loading a questionnaire, from any bytes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| vse_assess::fuzz::questionnaire(data));
