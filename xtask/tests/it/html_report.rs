//! The HTML report in a real browser: `cargo xtask matrix` against our
//! implementations and every runtime version, a one-run report of a failing implementation judged by
//! an expectations file, both opened in headless Chromium (the rendered DOM
//! checked, a screenshot of each saved), both validated by html-validate,
//! every results file validated against schemas/results.schema.json by Ajv,
//! and a report of 100k scenarios rendered within the time budget.
//!
//! Needs Chromium (Debian package `chromium`); without it the test fails
//! with the command that installs it. The npm packages it needs
//! (tools/report-check, adapters/nmshd-runtime) it installs itself with
//! `npm ci`. It is never skipped for a missing tool.

use crate::common;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest Chromium may take to load, run and dump one page.
const BROWSER_BUDGET: Duration = Duration::from_secs(60);

fn root() -> PathBuf {
    std::fs::canonicalize(common::workspace()).expect("workspace root")
}

/// Where the screenshots are kept after the test (under the target directory).
fn screenshot_dir() -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let dir = target.join("html-report");
    std::fs::create_dir_all(&dir).expect("screenshot directory");
    dir
}

fn require(what: &str, present: bool, install: &str) {
    assert!(
        present,
        "{what} is missing; install it first: {install} (this test is never skipped)"
    );
}

fn tools() {
    let chromium = Command::new("chromium")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    require(
        "Chromium",
        chromium,
        "apt-get update && apt-get install -y chromium",
    );
    common::npm::ensure_installed(
        &root(),
        "tools/report-check",
        "node_modules/html-validate/package.json",
    );
    common::npm::ensure_installed(
        &root(),
        "adapters/nmshd-runtime",
        "node_modules/@nmshd/runtime/package.json",
    );
}

/// Runs headless Chromium on `page` with `args`, within [`BROWSER_BUDGET`];
/// returns standard output and how long it took.
fn chromium(page: &Path, args: &[String]) -> (String, Duration) {
    let profile = tempfile::tempdir().expect("profile dir");
    let started = Instant::now();
    let mut child = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > BROWSER_BUDGET {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "Chromium took longer than {BROWSER_BUDGET:?} on {}",
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let elapsed = started.elapsed();
    (reader.join().expect("reader"), elapsed)
}

/// The DOM after load and script, as Chromium serializes it.
fn dump_dom(page: &Path) -> (String, Duration) {
    chromium(page, &["--dump-dom".to_owned()])
}

/// Saves a screenshot of `page` as `name`.png and checks it is a PNG.
fn screenshot(page: &Path, name: &str, width: u32, height: u32) -> PathBuf {
    let path = screenshot_dir().join(format!("{name}.png"));
    let _ = std::fs::remove_file(&path);
    chromium(
        page,
        &[
            format!("--window-size={width},{height}"),
            format!("--screenshot={}", path.display()),
        ],
    );
    let bytes = std::fs::read(&path).expect("the screenshot was written");
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        path.display()
    );
    assert!(bytes.len() > 10_000, "{} is nearly empty", path.display());
    println!("screenshot: {}", path.display());
    path
}

/// `node tools/report-check/check.js ARGS`: exit status and output.
fn check(args: &[&str]) -> (bool, String) {
    let output = Command::new("node")
        .arg(root().join("tools/report-check/check.js"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("node runs");
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

/// The suite's binary, built once for the tests of this file.
fn binary() -> PathBuf {
    static BINARY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BINARY
        .get_or_init(|| xtask::matrix::binary(&root()).expect("the suite builds"))
        .clone()
}

fn suite(args: &[&str]) -> std::process::Output {
    Command::new(binary())
        .args(args)
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .expect("the suite runs")
}

/// Text between `<tag …id="id"…>` and the next `</tag>`.
fn element<'a>(dom: &'a str, id: &str, close: &str) -> &'a str {
    let at = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element #{id}"));
    let end = dom[at..].find(close).map_or(dom.len(), |e| at + e);
    &dom[at..end]
}

#[test]
#[ignore = "needs Chromium and runs the matrix of every implementation and runtime version (slow): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn the_report_and_the_matrix_render_in_a_browser_and_validate() {
    tools();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("matrix");
    let summary = xtask::matrix::run(&root(), &out).expect("cargo xtask matrix");
    println!("{summary}");

    // One failing implementation judged by an expectations file: a listed
    // failure, a waived rule, unexpected failures, a fuzz property's shrunk case.
    let expectations = dir.path().join("expectations.toml");
    std::fs::write(
        &expectations,
        "[[expected]]\nscenario = \"A refused initiate publishes no event\"\noutcome = \"failed\"\nreason = \"listed: the fixture answers <em>briefly</em>\"\n\n[[waived]]\nrule = \"RID1.concurrent-loser-code\"\ncode = \"error.runtime.identityDeletionProcess.activeIdentityDeletionProcessAlreadyExists\"\nreason = \"waived: the losers' message is <b>short</b>\"\n",
    )
    .unwrap();
    let one_json = dir.path().join("one.json");
    let run = suite(&[
        "run",
        "--quiet",
        "--fuzz-cases",
        "16",
        "--seed",
        "7",
        "--adapter-cmd",
        "python3 tests/fixtures/adapters/wrong_message.py",
        "--expectations",
        expectations.to_str().unwrap(),
        "--results",
        one_json.to_str().unwrap(),
    ]);
    assert_eq!(
        run.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    // Text from the implementation is data: a hostile name and answer.
    let mut hostile: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&one_json).unwrap()).unwrap();
    hostile["implementation"]["name"] = "Python <img src=x onerror=alert(1)> example".into();
    let failed = hostile["cases"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["verdict"] == "failed" && !c["failure"].is_null() && c["expected"].is_null())
        .expect("an unexpected failure");
    failed["failure"]["actual"] = "</pre></td><script>document.title='owned'</script>".into();
    std::fs::write(&one_json, serde_json::to_vec(&hostile).unwrap()).unwrap();

    // Every results file is valid against the schema; a broken one is not.
    let columns = xtask::matrix::implementations(&root()).expect("the columns");
    let mut results: Vec<PathBuf> = columns
        .iter()
        .map(|c| out.join(format!("{}.json", c.name)))
        .collect();
    results.push(one_json.clone());
    let schema = root().join("schemas/results.schema.json");
    let mut args = vec!["schema".to_owned(), schema.display().to_string()];
    args.extend(results.iter().map(|p| p.display().to_string()));
    let args_ref: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, text) = check(&args_ref);
    assert!(ok, "{text}");
    let mut broken = hostile.clone();
    broken["cases"][0]["verdict"] = "maybe".into();
    let broken_path = dir.path().join("broken.json");
    std::fs::write(&broken_path, serde_json::to_vec(&broken).unwrap()).unwrap();
    let (ok, text) = check(&[
        "schema",
        schema.to_str().unwrap(),
        broken_path.to_str().unwrap(),
    ]);
    assert!(!ok && text.contains("/cases/0/verdict"), "{text}");

    let one_html = dir.path().join("one.html");
    let report = suite(&[
        "report",
        one_json.to_str().unwrap(),
        "-o",
        one_html.to_str().unwrap(),
    ]);
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let matrix_html = out.join("matrix.html");

    // Both files are valid HTML.
    let (ok, text) = check(&[
        "html",
        one_html.to_str().unwrap(),
        matrix_html.to_str().unwrap(),
    ]);
    assert!(ok, "{text}");

    // The one-run report, as the browser built it.
    let (dom, _) = dump_dom(&one_html);
    assert!(
        element(&dom, "verdict", "</p>").contains("Verdict: FAILED"),
        "{}",
        element(&dom, "verdict", "</p>")
    );
    assert!(dom.contains("Python &lt;img src=x onerror=alert(1)&gt; example"));
    assert!(
        !dom.contains("<img"),
        "an implementation's text became markup"
    );
    assert!(
        element(&dom, "verdict", "</p>").contains("FAILED") && !dom.contains("<title>owned"),
        "an implementation's text ran as script"
    );
    assert!(dom.contains("&lt;/pre&gt;&lt;/td&gt;&lt;script&gt;"));
    let levels = element(&dom, "levels", "</table>");
    for level in ["published", "derived", "documented-elsewhere", "platform"] {
        assert!(levels.contains(level), "{levels}");
    }
    let failures = element(&dom, "failures", "</section>");
    assert!(failures.contains("class=\"expected-value\""), "{failures}");
    assert!(failures.contains("class=\"actual-value\""), "{failures}");
    assert!(failures.contains("<mark>"), "the differences are marked");
    assert!(failures.contains("There is already an active IdentityDeletionProcess"));
    assert!(failures.contains("Already</mark> active."), "{failures}");
    let expected = element(&dom, "expected", "</section>");
    assert!(
        expected.contains("listed: the fixture answers &lt;em&gt;briefly&lt;/em&gt;"),
        "{expected}"
    );
    assert!(
        expected.contains("waived: the losers' message is &lt;b&gt;short&lt;/b&gt;"),
        "{expected}"
    );
    let fuzz = element(&dom, "fuzz", "</section>");
    assert!(fuzz.contains("--seed 7"), "{fuzz}");
    assert!(fuzz.contains("Scenario: Fuzzer reproduction"), "{fuzz}");
    let bullets = element(&dom, "uc-RID2", "</section>");
    assert!(
        bullets.contains("<blockquote"),
        "the bullets in the docs' own words: {bullets}"
    );
    // The script ran: it added the filters.
    assert!(element(&dom, "filters", "</div>").contains("<select"));

    // The matrix: a row and a column for each implementation and runtime version.
    let n = columns.len();
    let (dom, _) = dump_dom(&matrix_html);
    let summary_table = element(&dom, "summary", "</table>");
    let names: Vec<String> = results[..n]
        .iter()
        .map(|p| {
            let v: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
            v["implementation"]["name"].as_str().unwrap().to_owned()
        })
        .collect();
    for name in &names {
        assert!(
            summary_table.contains(name.as_str()),
            "{name}: {summary_table}"
        );
    }
    assert_eq!(summary_table.matches("<tr><th scope=\"row\">").count(), n);
    assert!(
        summary_table.matches('%').count() >= 4 * 5,
        "{summary_table}"
    );
    let use_cases = element(&dom, "use-case-matrix", "</table>");
    let rid1 = element(use_cases, "uc-RID1", "</tr>");
    assert_eq!(rid1.matches("<td").count(), n, "{rid1}");
    // The runtime's rule history: a column per version, in the columns' (version) order.
    let history = element(&dom, "history-0", "</table>");
    let head = element(history, "history-0", "</thead>");
    let mut last = 0;
    for (_, version) in columns.iter().filter_map(|c| c.series.as_ref()) {
        let at = head
            .find(&format!(">{version}</th>"))
            .unwrap_or_else(|| panic!("{version}: {head}"));
        assert!(at > last, "{version} out of order: {head}");
        last = at;
    }
    assert!(history.contains("RID2.cancelledAt"), "{history}");
    let rules = element(&dom, "rule-matrix", "</table>");
    assert!(
        rules.contains("RID2.cancelledAt") && rules.contains("waived"),
        "{rules}"
    );
    let differs = element(&dom, "differs-matrix", "</table>");
    assert!(
        differs.contains("Cancelling records when and by which Device"),
        "the runtime's waived failure differs from the others: {differs}"
    );

    screenshot(&one_html, "report", 1280, 2000);
    screenshot(&one_html, "report-narrow", 420, 1600);
    screenshot(&matrix_html, "matrix", 1280, 2000);
}

/// The results of `xtask bench-scale`'s feature file at 100k scenarios: its
/// cases are those of a real run of the same file at 100 scenarios, repeated
/// (the debug build would take minutes to run 100k). The report cuts its
/// tables, and Chromium renders it within the budget.
#[test]
#[ignore = "needs Chromium (slow): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_report_of_100k_scenarios_renders_within_the_budget() {
    tools();
    let dir = tempfile::tempdir().expect("temp dir");
    let feature = dir.path().join("scale.feature");
    std::fs::write(&feature, xtask::bench_scale::feature(100)).unwrap();
    let small = dir.path().join("small.json");
    let run = suite(&[
        "run",
        "--quiet",
        "--no-fuzz",
        "--features",
        feature.to_str().unwrap(),
        "--results",
        small.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let mut results: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&small).unwrap()).unwrap();
    let template = results["cases"][0].clone();
    let cases: Vec<serde_json::Value> = (0..100_000)
        .map(|i| {
            let mut case = template.clone();
            case["name"] = format!("scale {i}").into();
            case["location"] = format!("scale.feature:{}", 3 + i * 6).into();
            if i % 1000 == 0 {
                case["verdict"] = "failed".into();
                case["rules"] = serde_json::json!(["RID1.gracePeriodEndsAt"]);
                case["failure"] = serde_json::json!({
                    "rule": "RID1.gracePeriodEndsAt", "ruleLevel": "platform",
                    "summary": "off by one day", "expected": "3 days", "actual": "4 days"
                });
            }
            case
        })
        .collect();
    results["cases"] = cases.into();
    let big = dir.path().join("scale.json");
    std::fs::write(&big, serde_json::to_vec(&results).unwrap()).unwrap();
    let html = dir.path().join("scale.html");
    let started = Instant::now();
    let report = suite(&[
        "report",
        big.to_str().unwrap(),
        "-o",
        html.to_str().unwrap(),
    ]);
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let written = started.elapsed();
    let (dom, rendered) = dump_dom(&html);
    assert!(
        dom.contains("… 99500 more rows (showing 500 of 100000)"),
        "the long table is cut"
    );
    assert!(element(&dom, "failures", "</h2>").contains("Failures (100)"));
    println!(
        "100k cases: report written in {:.2} s ({:.2} MB), rendered by Chromium in {:.2} s",
        written.as_secs_f64(),
        std::fs::metadata(&html).unwrap().len() as f64 / 1e6,
        rendered.as_secs_f64()
    );
}
