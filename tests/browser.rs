//! The HTML report as a browser sees it: headless Chromium parses the example report and a
//! report full of hostile text, and prints the example to PDF.
//!
//! Needs `chromium` on PATH (see `common::tools`).

use crate::common;

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

/// Prints a page to PDF as a user would from the browser, without header or footer.
fn print_to_pdf(browser: &str, profile: &Path, url: &str, pdf: &Path) {
    let out = headless(
        browser,
        profile,
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
            url,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
    print_to_pdf(browser, tmp.path(), &url, &pdf);
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
    let record = include_str!("fixtures/audit.toml").replace(
        "notes = \"The organisation chart",
        "notes = \"<script>document.title='x'</script><img src=x onerror=alert(1)></td></tr></table><h4>fake</h4><iframe src=//evil.example></iframe> The organisation chart",
    );
    std::fs::write(tmp.path().join("r.toml"), record).unwrap();
    let out = assert_cmd::Command::from_std(common::command(tmp.path()))
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

/// Words of a PDF with their right edges, and each page's width (pdftotext -bbox).
fn pdf_words(pdf: &Path) -> Vec<(f64, f64, String)> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let attr = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[start..].split('"').next().unwrap().parse().unwrap()
    };
    let mut width = 0.0;
    let mut words = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with("<page ") {
            width = attr(line, "width");
        } else if line.starts_with("<word ") {
            let word = line
                .split('>')
                .nth(1)
                .unwrap_or("")
                .split('<')
                .next()
                .unwrap_or("");
            words.push((width, attr(line, "xMax"), word.to_string()));
        }
    }
    words
}

/// A register whose locations are long paths and URLs with nothing to break at: printed on
/// A4 and on Letter, every word stays inside the page and the last column is all there.
#[test]
fn printed_tables_wrap_long_values_and_lose_no_column() {
    let Some(browser) = chromium() else { return };
    if !common::tools(&["pdftotext"], "apt-get install poppler-utils") {
        return;
    }
    let tmp = tempfile::TempDir::new().unwrap();
    let long_url = format!("https://intranet.example/{}/ENDURL", "x".repeat(180));
    let long_path = format!("/srv/evidence/{}/ENDPATH.pdf", "Quality_Manual_".repeat(12));
    let mut record = include_str!("fixtures/audit.toml").to_string();
    for (i, from) in record
        .match_indices("\nlocation = \"")
        .map(|(i, _)| i)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .enumerate()
    {
        let end = record[from + 1..].find('\n').unwrap() + from + 1;
        let value = if i % 2 == 0 { &long_url } else { &long_path };
        record.replace_range(from + 1..end, &format!("location = \"{value}\""));
    }
    std::fs::write(tmp.path().join("r.toml"), &record).unwrap();
    let out = common::vse(
        tmp.path(),
        &["report", "r.toml", "--format", "html", "-o", "r.html"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(tmp.path().join("r.html")).unwrap();
    // Letter is the browser's default paper here; A4 as a user would choose it.
    let a4 = html.replace("</head>", "<style>@page { size: A4; }</style></head>");
    std::fs::write(tmp.path().join("a4.html"), a4).unwrap();
    for page in ["r.html", "a4.html"] {
        let pdf = tmp.path().join(format!("{page}.pdf"));
        let url = format!("file://{}", tmp.path().join(page).display());
        print_to_pdf(browser, tmp.path(), &url, &pdf);
        let words = pdf_words(&pdf);
        let paper = words.first().map(|w| w.0).unwrap();
        assert!(
            (paper - 595.0).abs() < 2.0 || (paper - 612.0).abs() < 2.0,
            "{page}: {paper} pt wide"
        );
        for (width, x_max, word) in &words {
            assert!(
                x_max <= width,
                "{page}: `{word}` ends at {x_max} of {width} pt"
            );
        }
        let all: String = words.iter().map(|w| w.2.as_str()).collect();
        for needle in ["ENDURL", "ENDPATH.pdf", "7.4.c"] {
            assert!(all.contains(needle), "{page}: {needle} is missing");
        }
    }
}

/// The example (a draft) printed on A4 as a panel reads it: the verdict on page 1; the VSE,
/// DRAFT and "page N of M" on every page; no page left holding a line or two (but the last);
/// ids and dates whole; every requirement, finding and section there.
#[test]
fn the_printed_draft_has_its_verdict_first_and_a_running_header() {
    let Some(browser) = chromium() else { return };
    if !common::tools(&["pdftotext"], "apt-get install poppler-utils") {
        return;
    }
    let tmp = tempfile::TempDir::new().unwrap();
    let html = include_str!("../reports/example-assessment.html")
        .replace("</head>", "<style>@page { size: A4; }</style></head>");
    std::fs::write(tmp.path().join("a4.html"), html).unwrap();
    let pdf = tmp.path().join("a4.pdf");
    let url = format!("file://{}", tmp.path().join("a4.html").display());
    print_to_pdf(browser, tmp.path(), &url, &pdf);
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    let n = pages.len();
    assert!(n > 3, "{n} pages");
    let page1 = pages[0];
    // What the Markdown's verdict says (the first words of the recommendation, the counts of
    // nonconformities) is what page 1 shows.
    let md = include_str!("../reports/example-assessment.md");
    let cell = |label: &str| {
        let row = md
            .lines()
            .find(|l| l.starts_with(&format!("| {label} | ")))
            .unwrap_or_else(|| panic!("no {label} row"));
        row.split(" | ")
            .nth(1)
            .unwrap()
            .trim_end_matches(" |")
            .replace("**", "")
    };
    let recommendation = cell("Recommendation");
    let recommendation: Vec<&str> = recommendation.split_whitespace().take(6).collect();
    let recommendation = recommendation.join(" ");
    let counts = cell("Nonconformities");
    for verdict in [
        "Verdict",
        "Status",
        "DRAFT (not signed off",
        "Recommendation",
        recommendation.as_str(),
        "Nonconformities",
        counts.as_str(),
        "Signed off",
        "not yet: this is a draft",
        // The grid: a row per process.
        "OM",
        "PPM",
    ] {
        assert!(
            page1.contains(verdict),
            "page 1 lacks {verdict:?}:\n{page1}"
        );
    }
    for (i, page) in pages.iter().enumerate() {
        let number = format!("page {} of {n}", i + 1);
        for mark in [
            "Assessment report: Brightline Software Ltd.",
            "DRAFT: not final",
            number.as_str(),
        ] {
            assert!(page.contains(mark), "page {}: no {mark:?}\n{page}", i + 1);
        }
        // A page of a report holds far more than a sentence, the header and the footer.
        let words = page.split_whitespace().count();
        assert!(
            i + 1 == n || words >= 80,
            "page {} holds {words} words:\n{page}",
            i + 1
        );
    }
    // Nothing lost, and ids and dates on one line.
    let all = pages.join("\n");
    for id in common::IDS {
        let process = md
            .lines()
            .find_map(|l| l.strip_prefix(&format!("#### {id} (")))
            .unwrap_or_else(|| panic!("{id} in the Markdown"));
        let heading = format!("{id} ({process}");
        assert!(all.contains(&heading), "{heading}");
    }
    for word in [
        "NC-1",
        "NC-2",
        "NC-3",
        "NC-4",
        "GP-1",
        "OBS-1",
        "2026-11-17",
        "2026-11-16",
    ] {
        assert!(all.contains(word), "{word} missing or broken across lines");
    }
    for line in all.lines().map(str::trim_end) {
        // The line's last word is the start of an id or a date ("NC-", "(BL-", "2026-11-");
        // long paths in tables may break after their separators.
        let last = line.split_whitespace().last().unwrap_or("");
        let last = last.trim_start_matches(['(', '"']);
        let broken = last.strip_suffix('-').is_some_and(|l| {
            !l.is_empty()
                && (l.chars().all(|c| c.is_ascii_uppercase())
                    || l.chars().all(|c| c.is_ascii_digit() || c == '-'))
        });
        assert!(!broken, "an id or date broken across lines: {line:?}");
    }
    assert!(all.contains("About this assessment"));
    assert!(all.contains("The sample was recorded for"));
}
