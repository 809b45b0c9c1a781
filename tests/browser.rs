//! The HTML report as a browser sees it: headless Chromium parses the example report and a
//! report full of hostile text, and prints the example to PDF.
//!
//! Needs `chromium` on PATH (see `common::tools`).

mod common;

use std::path::Path;
use std::process::Command;

fn chromium() -> Option<&'static str> {
    common::tools(&["chromium"], "apt-get install chromium").then_some("chromium")
}

fn headless(browser: &str, profile: &Path, args: &[&str]) -> std::process::Output {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs")
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn chromium_parses_the_example_report_as_written() {
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::TempDir::new().unwrap();
    let html_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/example-assessment.html");
    let html = std::fs::read_to_string(&html_path).unwrap();
    let url = format!("file://{}", html_path.display());
    let out = headless(browser, tmp.path(), &["--dump-dom", &url]);
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && dom.contains("<body"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The browser builds the same document we wrote: every section and table is there.
    assert_eq!(count(&dom, "<h4"), 25);
    assert_eq!(count(&dom, "<table"), count(&html, "<table"));
    assert_eq!(count(&dom, "<tr"), count(&html, "<tr"));
    assert_eq!(count(&dom, "<script"), 0);

    let pdf = tmp.path().join("report.pdf");
    let out = headless(
        browser,
        tmp.path(),
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
            &url,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&pdf).expect("a PDF was printed");
    assert!(
        bytes.starts_with(b"%PDF") && bytes.len() > 20_000,
        "{} bytes",
        bytes.len()
    );
}

#[test]
fn chromium_finds_no_element_injected_by_user_text() {
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::TempDir::new().unwrap();
    let record = include_str!("../reports/example-assessment.toml").replace(
        "notes = \"The organisation chart",
        "notes = \"<script>document.title='x'</script><img src=x onerror=alert(1)></td></tr></table><h4>fake</h4><iframe src=//evil.example></iframe> The organisation chart",
    );
    std::fs::write(tmp.path().join("r.toml"), record).unwrap();
    let out = assert_cmd::Command::cargo_bin("vse-assess")
        .unwrap()
        .current_dir(tmp.path())
        .args(["report", "r.toml", "--format", "html", "-o", "r.html"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let url = format!("file://{}", tmp.path().join("r.html").display());
    let out = headless(browser, &tmp.path().join("profile"), &["--dump-dom", &url]);
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("<body"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&dom, "<script"), 0);
    assert_eq!(count(&dom, "<img"), 0);
    assert_eq!(count(&dom, "<iframe"), 0);
    assert_eq!(count(&dom, "<h4"), 25, "user text added a heading");
    assert!(
        dom.contains("&lt;script&gt;document.title='x'&lt;/script&gt;"),
        "the text is shown as text"
    );
}
