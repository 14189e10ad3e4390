//! `report.html` opened in a real browser: headless Chromium (Debian's `chromium`) loads
//! the page written for the hand-built class (`report_fixture`) and dumps the DOM it built;
//! the test finds in it every student (Unicode and markup in ids kept as text), the pass
//! rate of every test as the fixture's verdicts give it, each lesson's chart, and links
//! that lead to the feedback files written beside it.
//!
//! Without Chromium the test fails, saying how to install it, unless
//! `GRADER_SKIP_BROWSER=1` is set (it then prints that it skipped). `GRADER_CHROMIUM`
//! names another binary.

mod report_fixture;

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use grader::pipeline::verdict::Status;
use grader::report;
use report_fixture::IDS;

/// How long Chromium may take to load a local page and print its DOM.
const BROWSER_LIMIT: Duration = Duration::from_secs(90);

#[test]
fn chromium_shows_every_student_every_pass_rate_and_working_links() {
    let Some(chromium) = chromium() else {
        return;
    };
    let class = report_fixture::class();
    let out = tempfile::tempdir().unwrap();
    report::write_all(&class.report(), out.path(), false).unwrap();
    let page = out.path().join("report.html");
    let raw = fs::read_to_string(&page).unwrap();
    for forbidden in ["<script", "http://", "https://", " src=", "@import", "url("] {
        assert!(
            !raw.contains(forbidden),
            "the page must be self-contained and script-free, found `{forbidden}`"
        );
    }

    let dom = dump_dom(&chromium, &page, out.path());
    assert!(
        dom.contains("<table id=\"students-table\">"),
        "Chromium did not render the page:\n{dom}"
    );
    assert!(
        !dom.contains("<script>alert"),
        "an id became markup:\n{dom}"
    );
    for id in IDS {
        let shown = report::html::escape(id)
            .replace("&quot;", "\"")
            .replace("&#39;", "'");
        assert!(
            dom.contains(&format!(">{shown}</a>")),
            "{id} is not shown:\n{dom}"
        );
    }

    // Every test's pass rate, computed here from the verdicts, is on the page.
    for (slug, test, passed, handed_in) in rates(&class.graded) {
        let rate = (passed * 200 + handed_in) / (2 * handed_in);
        let row = format!("<code>{test}</code>");
        let at = dom
            .find(&row)
            .unwrap_or_else(|| panic!("no row for {slug} {test}:\n{dom}"));
        let rest = &dom[at..dom[at..].find("</tr>").map_or(dom.len(), |end| at + end)];
        assert!(
            rest.contains(&format!("{passed} of {handed_in}"))
                && rest.contains(&format!("{rate}%")),
            "{slug} {test}: expected {passed} of {handed_in} ({rate}%) in {rest}"
        );
    }
    // The hardest test comes first: 02's tests are passed by 1 of 3.
    let first = dom.find("<code>gathers</code>").unwrap();
    assert!(
        first < dom.find("<code>ticks</code>").unwrap(),
        "not sorted hardest first"
    );

    // One chart per lesson, each bar labelled with its count: 01 has three at full marks.
    assert_eq!(dom.matches("<svg class=\"chart\"").count(), 2, "{dom}");
    assert!(dom.contains("6 points: 3 student(s)"), "{dom}");

    // Every student's link leads to the feedback file written for them.
    let links = hrefs(&dom);
    assert_eq!(links.len(), IDS.len(), "{links:?}");
    for (link, id) in links.iter().zip(IDS) {
        let target = out.path().join(percent_decode(link));
        let text = fs::read_to_string(&target)
            .unwrap_or_else(|e| panic!("{link} ({id}) leads nowhere: {e}"));
        assert!(text.contains(id), "{link} is not {id}'s feedback");
    }
}

/// Per test of the fixture's course: (lesson, test, students who passed it, who handed in).
fn rates(graded: &[grader::report::row::Row]) -> Vec<(String, String, usize, usize)> {
    let mut rates = Vec::new();
    let lessons = ["01-tick", "02-gather"];
    for slug in lessons {
        let verdicts: Vec<_> = graded
            .iter()
            .filter_map(|g| g.exercises().iter().find(|e| e.slug == slug))
            .collect();
        for test in &verdicts[0].tests {
            let passed = verdicts
                .iter()
                .filter(|v| {
                    v.tests
                        .iter()
                        .any(|t| t.name == test.name && t.status == Status::Passed)
                })
                .count();
            rates.push((slug.to_string(), test.name.clone(), passed, verdicts.len()));
        }
    }
    rates
}

/// The `href` of every link to a feedback file in the DOM, in order.
fn hrefs(dom: &str) -> Vec<String> {
    dom.split("<a href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].replace("&amp;", "&"))
        .filter(|href| href.starts_with("feedback/"))
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Chromium's binary: `GRADER_CHROMIUM`, else `chromium` or `chromium-browser` on `PATH`.
/// `None` (after saying so) only when `GRADER_SKIP_BROWSER=1`; otherwise a missing browser
/// fails the test with how to install it.
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("GRADER_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            let path = std::env::var_os("PATH")?;
            std::env::split_paths(&path)
                .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
                .find(|candidate| candidate.is_file())
        });
    if found.is_some() {
        return found;
    }
    if std::env::var("GRADER_SKIP_BROWSER").as_deref() == Ok("1") {
        eprintln!(
            "SKIPPED: report.html was not opened in a browser: Chromium is not installed and \
             GRADER_SKIP_BROWSER=1 is set"
        );
        return None;
    }
    panic!(
        "Chromium is needed to check report.html in a real browser, and none was found \
         (`chromium` or `chromium-browser` on PATH, or GRADER_CHROMIUM). Install it with \
         `apt-get install -y chromium` (Debian; `.ci/run` does), or set GRADER_SKIP_BROWSER=1 \
         to skip this test knowingly."
    );
}

/// Loads `page` in headless Chromium and returns the DOM it built.
fn dump_dom(chromium: &Path, page: &Path, scratch: &Path) -> String {
    let profile = tempfile::tempdir_in(scratch).unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            // As root Chromium refuses to start with its own sandbox.
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium.display()));
    // Both pipes drained as they fill, so a chatty browser never blocks on a full pipe.
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).map(|_| text)
        })
    };
    let dom = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BROWSER_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium did not finish within {BROWSER_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let dom = dom.join().unwrap().unwrap();
    let stderr = stderr.join().unwrap().unwrap_or_default();
    assert!(status.success(), "Chromium failed ({status}):\n{stderr}");
    dom
}
