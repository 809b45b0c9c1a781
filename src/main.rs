fn main() -> std::process::ExitCode {
    vse_assess::cli::main()
}
