//! The composite action (`action.yml`) and the example workflows fit
//! together and fit the binary: the inputs the workflows pass exist, every
//! option the action passes is one the binary takes, the fuzz is seeded, the
//! reports are published, and the workflows carry a `permissions:` block.
//! (actionlint lints the workflows in `.ci/run`; it does not read action
//! metadata.) The one gated run writes all five reports and the artifact
//! lists them; the workflows pin every action by commit SHA, the suite's own
//! at a commit (no release tag yet), and are replayed through the action's
//! steps with their own `uses:` ref and `with:` inputs.
//!
//! The action's shell steps are replayed locally (`Replay`): each step's
//! script runs under bash as the runner runs it (`-eo pipefail`), with its
//! `env:` expressions evaluated from the inputs, the `github`/`runner`
//! contexts and the earlier steps' `$GITHUB_OUTPUT`, with `GITHUB_ACTIONS=true`
//! and with `$GITHUB_PATH`
//! and `$GITHUB_STEP_SUMMARY` files. `rustup`, `cargo` and `python3` (the
//! wheel install's pip) are stubs that record their arguments; `enmeshed-conformance` is this build's binary.

use crate::support::cli;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn yaml(relative: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

fn steps(action: &Value) -> &Vec<Value> {
    action["runs"]["steps"].as_array().expect("runs.steps")
}

#[test]
fn the_action_installs_a_pinned_cached_suite_and_runs_it() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    for input in [
        "adapter-cmd",
        "version",
        "expectations",
        "fuzz-cases",
        "seed",
        "junit",
        "results",
        "html",
        "timeout",
    ] {
        assert!(action["inputs"][input].is_object(), "input {input}");
    }
    for output in ["verdict", "junit", "json", "summary", "results", "html"] {
        assert!(
            action["outputs"][output]["value"]
                .as_str()
                .is_some_and(|v| v.contains("steps.run.outputs.")),
            "output {output}"
        );
    }
    assert_eq!(action["inputs"]["adapter-cmd"]["required"], true);
    let steps = steps(&action);
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .expect("a cache step");
    assert_eq!(
        cache["with"]["key"], "${{ steps.suite.outputs.cache-key }}",
        "the key is computed (and replayed below) in the suite step"
    );
    let scripts: String = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        scripts.contains(
            "cargo \"+$TOOLCHAIN\" install --locked --git \"$REPOSITORY\" \"$PIN\" \"$VERSION\""
        ),
        "{scripts}"
    );
    assert!(!scripts.contains("stable"), "no moving toolchain channel");
    for step in steps.iter().filter(|s| s["run"].is_string()) {
        assert_eq!(step["shell"], "bash", "{step}");
    }
    assert!(scripts.contains("--seed \"$SEED\""), "a seeded fuzz");
    assert!(
        !scripts.contains("enmeshed-conformance fuzz") && !scripts.contains("args=(fuzz"),
        "one gate: `run` fuzzes, no second fuzz step that ignores the expectations"
    );
    // One gated run: the run step runs `run` once and writes the HTML report from its results
    // file; no other step runs the suite again.
    let run = steps.iter().find(|s| s["id"] == "run").expect("a run step");
    let script = run["run"].as_str().unwrap();
    assert_eq!(scripts.matches("args=(run ").count(), 1, "{scripts}");
    assert_eq!(
        script
            .matches("enmeshed-conformance \"${args[@]}\"")
            .count(),
        1
    );
    assert!(!scripts.contains("enmeshed-conformance run"), "{scripts}");
    for option in [
        "--junit \"$JUNIT\"",
        "--json \"$JSON\"",
        "--summary \"$SUMMARY\"",
        "--results \"$RESULTS\"",
    ] {
        assert!(script.contains(option), "the gated run writes {option}");
    }
    assert!(
        script.contains("enmeshed-conformance report \"$RESULTS\" --output \"$HTML\""),
        "{script}"
    );
    // The artifact holds every report, each as its input names it.
    let upload = upload_step(&action);
    let paths: Vec<&str> = upload["with"]["path"]
        .as_str()
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        paths,
        REPORTS.map(|r| format!("${{{{ inputs.{r} }}}}")),
        "the artifact lists every report"
    );
    for step in steps.iter().filter(|s| s["uses"].is_string()) {
        assert_pinned(step["uses"].as_str().unwrap(), "action.yml");
    }
}

/// The action's step that uploads the reports artifact.
fn upload_step(action: &Value) -> &Value {
    steps(action)
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact@"))
        })
        .expect("an upload step")
}

/// Every report the gated run writes, by its input's name (the artifact's order).
const REPORTS: [&str; 5] = ["junit", "json", "summary", "results", "html"];

/// `uses` names an action at a full commit SHA (a tag can be moved).
fn assert_pinned(uses: &str, file: &str) {
    let (_, reference) = uses.split_once('@').unwrap_or((uses, ""));
    assert!(
        reference.len() == 40 && reference.bytes().all(|b| b.is_ascii_hexdigit()),
        "{file}: {uses} is not pinned by a full commit SHA"
    );
}

#[test]
fn every_option_the_action_passes_is_one_the_binary_takes() {
    let action = yaml("action.yml");
    for step in steps(&action) {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        for (command, help) in ["smoke", "run", "fuzz"]
            .iter()
            .map(|c| (*c, cli::stdout(&cli::binary(&[c, "--help"]))))
        {
            let uses_command = script.contains(&format!("enmeshed-conformance {command} "))
                || script.contains(&format!("({command} "));
            if !uses_command {
                continue;
            }
            let line = script
                .lines()
                .find(|l| l.contains(&format!("{command} --")))
                .unwrap_or(script);
            for option in line.split_whitespace().filter(|w| w.starts_with("--")) {
                assert!(help.contains(option), "`{command}` has no {option}");
            }
        }
        if script.contains("args+=(--expectations") {
            assert!(cli::stdout(&cli::binary(&["fuzz", "--help"])).contains("--expectations"));
        }
    }
}

#[test]
fn the_example_workflows_use_the_action_with_its_inputs() {
    let action = yaml("action.yml");
    for workflow in WORKFLOWS {
        let flow = yaml(workflow);
        assert!(flow["permissions"].is_object(), "{workflow}: permissions");
        let jobs = flow["jobs"].as_object().unwrap();
        let uses: Vec<&Value> = jobs
            .values()
            .flat_map(|job| job["steps"].as_array().unwrap())
            .filter(|s| {
                s["uses"]
                    .as_str()
                    .is_some_and(|u| u.contains("/enmeshed-conformance@"))
            })
            .collect();
        assert_eq!(uses.len(), 1, "{workflow}: uses the action once");
        let with = uses[0]["with"].as_object().unwrap();
        assert!(with.contains_key("adapter-cmd"), "{workflow}");
        for input in with.keys() {
            assert!(
                action["inputs"][input].is_object(),
                "{workflow}: unknown input {input}"
            );
        }
    }
}

/// The pinned toolchain is an exact version, at least the crate's `rust-version`.
#[test]
fn the_toolchain_is_pinned_to_a_version_the_crate_supports() {
    let action = yaml("action.yml");
    let pinned = action["inputs"]["toolchain"]["default"].as_str().unwrap();
    let parse = |v: &str| -> Vec<u32> { v.split('.').map(|p| p.parse().unwrap()).collect() };
    assert_eq!(parse(pinned).len(), 3, "{pinned} is exact");
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let minimum = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("rust-version");
    assert!(parse(pinned) >= parse(minimum), "{pinned} < {minimum}");
}

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";
const UPSTREAM: &str = "https://github.com/nmshd/enmeshed-conformance";

/// One replay of the action's steps in a scratch runner.
struct Replay {
    dir: tempfile::TempDir,
    action: Value,
    inputs: BTreeMap<String, String>,
    github: BTreeMap<String, String>,
    runner: BTreeMap<String, String>,
    /// The `matrix` context of a workflow's job (empty outside a matrix).
    matrix: BTreeMap<String, String>,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    path: Vec<PathBuf>,
}

/// What one step did.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// The step's `$GITHUB_OUTPUT`, as the runner would parse it.
    outputs: BTreeMap<String, String>,
    /// The raw `$GITHUB_OUTPUT` text.
    raw_outputs: String,
}

impl Replay {
    fn new(inputs: &[(&str, &str)]) -> Replay {
        let action = yaml("action.yml");
        let mut all = BTreeMap::new();
        for (name, input) in action["inputs"].as_object().unwrap() {
            let default = input["default"].as_str().unwrap_or("").to_owned();
            all.insert(name.clone(), default);
        }
        for (name, value) in inputs {
            assert!(all.contains_key(*name), "no input {name}");
            all.insert((*name).to_owned(), (*value).to_owned());
        }
        let dir = tempfile::tempdir().unwrap();
        for sub in ["tool-cache", "temp", "work"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        let github = BTreeMap::from([
            ("action_ref".to_owned(), "v0.1.0".to_owned()),
            (
                "action_repository".to_owned(),
                "nmshd/enmeshed-conformance".to_owned(),
            ),
            ("server_url".to_owned(), "https://github.com".to_owned()),
            ("job".to_owned(), "conformance".to_owned()),
        ]);
        let runner = BTreeMap::from([
            ("os".to_owned(), "Linux".to_owned()),
            ("arch".to_owned(), "X64".to_owned()),
            ("image".to_owned(), "ubuntu24".to_owned()),
        ]);
        let replay = Replay {
            dir,
            action,
            inputs: all,
            github,
            runner,
            matrix: BTreeMap::new(),
            outputs: BTreeMap::new(),
            path: Vec::new(),
        };
        // Stubs that record their arguments, one line each: shell functions
        // that bash reads from $BASH_ENV before the step (no executable file
        // is written, so no exec can race with the write).
        let stubs: String = ["rustup", "cargo", "python3"]
            .iter()
            .map(|tool| {
                format!(
                    "{tool}() {{ printf '%s\\n' \"$*\" >> '{}'; }}\n",
                    replay.calls(tool).display()
                )
            })
            .collect();
        std::fs::write(replay.file("stubs.bash"), stubs).unwrap();
        replay
    }

    fn calls(&self, tool: &str) -> PathBuf {
        self.dir.path().join(format!("{tool}.calls"))
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The value of `context.path` (`inputs.x`, `github.x`, `runner.x`,
    /// `steps.ID.outputs.x`); empty when unset, as on GitHub.
    fn lookup(&self, path: &str) -> String {
        let parts: Vec<&str> = path.split('.').collect();
        let found = match parts.as_slice() {
            ["inputs", name] => self.inputs.get(*name),
            ["github", name] => self.github.get(*name),
            ["runner", name] => self.runner.get(*name),
            ["matrix", name] => self.matrix.get(*name),
            ["steps", id, "outputs", name] => self.outputs.get(*id).and_then(|o| o.get(*name)),
            _ => panic!("the replay does not know the context {path}"),
        };
        found.cloned().unwrap_or_default()
    }

    /// Evaluates every `${{ … }}` in `text` (paths, and `a || b`).
    fn evaluate(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("a closed expression") + start;
            let expression = rest[start + 3..end].trim();
            let value = expression
                .split("||")
                .map(|alternative| self.lookup(alternative.trim()))
                .find(|v| !v.is_empty())
                .unwrap_or_default();
            out.push_str(&value);
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }

    fn step(&self, id: &str) -> &Value {
        steps(&self.action)
            .iter()
            .find(|s| s["id"] == id)
            .unwrap_or_else(|| panic!("no step {id}"))
    }

    /// Runs the shell step `id` as the runner would, and records its outputs.
    fn run(&mut self, id: &str) -> Ran {
        let step = self.step(id).clone();
        assert_eq!(step["shell"], "bash");
        let script = self.dir.path().join(format!("{id}.sh"));
        std::fs::write(&script, step["run"].as_str().unwrap()).unwrap();
        let output_file = self.file(&format!("{id}.output"));
        std::fs::write(&output_file, "").unwrap();
        let mut path: Vec<PathBuf> = self.path.iter().rev().cloned().collect();
        path.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        let mut command = Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_clear()
            .env("PATH", std::env::join_paths(path).unwrap())
            .env("HOME", self.dir.path())
            .env("BASH_ENV", self.file("stubs.bash"))
            .env("GITHUB_ACTIONS", "true")
            .env("RUNNER_OS", &self.runner["os"])
            .env("RUNNER_ARCH", &self.runner["arch"])
            .env("ImageOS", &self.runner["image"])
            .env("RUNNER_TOOL_CACHE", self.dir.path().join("tool-cache"))
            .env("RUNNER_TEMP", self.dir.path().join("temp"))
            .env("GITHUB_JOB", &self.github["job"])
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_PATH", self.file("github_path"))
            .env("GITHUB_STEP_SUMMARY", self.file("step_summary"));
        if let Some(env) = step["env"].as_object() {
            for (name, value) in env {
                command.env(name, self.evaluate(value.as_str().unwrap()));
            }
        }
        let output = command.output().expect("bash runs");
        let raw_outputs = std::fs::read_to_string(&output_file).unwrap();
        let outputs = parse_outputs(&raw_outputs);
        self.outputs.insert(id.to_owned(), outputs.clone());
        if let Ok(lines) = std::fs::read_to_string(self.file("github_path")) {
            self.path = lines.lines().map(PathBuf::from).collect();
        }
        Ran {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            outputs,
            raw_outputs,
        }
    }

    /// Installs this build's binary where the install step would put it.
    fn install_binary(&self) {
        let root = PathBuf::from(&self.outputs["suite"]["root"]);
        std::fs::create_dir_all(root.join("bin")).unwrap();
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_enmeshed-conformance"),
            root.join("bin/enmeshed-conformance"),
        )
        .unwrap();
    }
}

/// `$GITHUB_OUTPUT` as the runner reads it: `name=value` lines (a line
/// without `=` would fail the step on GitHub, so it fails the test).
fn parse_outputs(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (name, value) = line
                .split_once('=')
                .unwrap_or_else(|| panic!("not a name=value output line: {line:?}"));
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

fn suite(inputs: &[(&str, &str)]) -> (Replay, Ran) {
    let mut replay = Replay::new(inputs);
    let ran = replay.run("suite");
    (replay, ran)
}

#[test]
fn a_bad_version_is_refused_before_anything_is_written() {
    for version in [
        "v1\nroot=/x",
        "v0.1.0\n",
        "../../../../x",
        "v0.1.0/../../x",
        "main",
        "v1.2",
        "1.2.3",
        "v1.2.3-rc..1",
        "v1.2.3 --root /x",
        "-v1.2.3",
        "0123456",
        &"g".repeat(40),
        &format!("{SHA}0"),
    ] {
        let (_, ran) = suite(&[("version", version)]);
        assert_eq!(
            ran.code,
            Some(2),
            "{version:?} accepted: {}",
            ran.raw_outputs
        );
        assert!(
            ran.stdout
                .contains("::error title=enmeshed-conformance::the version must be a release tag"),
            "{version:?}: {}",
            ran.stdout
        );
        assert_eq!(ran.raw_outputs, "", "{version:?}: outputs written");
    }
}

#[test]
fn a_branch_ref_or_no_ref_is_refused_and_a_pinned_one_is_taken() {
    let mut replay = Replay::new(&[]);
    replay
        .github
        .insert("action_ref".to_owned(), "main".to_owned());
    assert_eq!(replay.run("suite").code, Some(2));
    replay.github.insert("action_ref".to_owned(), String::new());
    let ran = replay.run("suite");
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stdout.contains("set the version input"),
        "{}",
        ran.stdout
    );
    replay
        .github
        .insert("action_ref".to_owned(), SHA.to_uppercase());
    let ran = replay.run("suite");
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert_eq!(ran.outputs["version"], SHA);
    assert_eq!(ran.outputs["pin"], "--rev");
    assert_eq!(ran.outputs["repository"], UPSTREAM);
}

#[test]
fn tags_install_with_tag_and_shas_with_rev_under_the_tool_cache() {
    for (version, pin) in [
        ("v0.1.0", "--tag"),
        ("v1.2.3-rc.1", "--tag"),
        (SHA, "--rev"),
    ] {
        let (mut replay, ran) = suite(&[("version", version)]);
        assert_eq!(ran.code, Some(0), "{version}: {}{}", ran.stdout, ran.stderr);
        assert_eq!(ran.outputs["pin"], pin);
        let root = PathBuf::from(&ran.outputs["root"]);
        let cache = replay.dir.path().join("tool-cache/enmeshed-conformance");
        assert!(root.starts_with(&cache), "{root:?}");
        assert!(root.ends_with(version), "{root:?}");
        assert!(!ran.outputs["root"].contains(".."), "{root:?}");
        assert_eq!(
            replay.evaluate(replay.step("cache")["with"]["key"].as_str().unwrap()),
            ran.outputs["cache-key"]
        );
        let installed = replay.run("install");
        assert_eq!(installed.code, Some(0), "{}", installed.stderr);
        let toolchain = &replay.inputs["toolchain"];
        let rustup = std::fs::read_to_string(replay.calls("rustup")).unwrap();
        assert_eq!(
            rustup,
            format!("toolchain install {toolchain} --profile minimal\n")
        );
        let cargo = std::fs::read_to_string(replay.calls("cargo")).unwrap();
        assert_eq!(
            cargo,
            format!(
                "+{toolchain} install --locked --git {UPSTREAM} {pin} {version} --root {} enmeshed-conformance\n",
                root.display()
            )
        );
        assert!(
            !replay.calls("python3").exists(),
            "no pip on the source path"
        );
    }
}

#[test]
fn the_cache_key_holds_the_repository_the_version_and_the_runner_image() {
    let key = |inputs: &[(&str, &str)], image: &str| {
        let mut replay = Replay::new(inputs);
        replay.runner.insert("image".to_owned(), image.to_owned());
        let ran = replay.run("suite");
        assert_eq!(ran.code, Some(0), "{}", ran.stdout);
        (
            ran.outputs["cache-key"].clone(),
            ran.outputs["root"].clone(),
        )
    };
    let (base, base_root) = key(&[], "ubuntu24");
    assert_eq!(key(&[], "ubuntu24").0, base, "deterministic");
    let (fork, fork_root) = key(
        &[(
            "repository",
            "https://github.com/a-fork/enmeshed-conformance",
        )],
        "ubuntu24",
    );
    assert_ne!(fork, base, "a fork's build is not upstream's");
    assert_ne!(fork_root, base_root, "nor installed in the same place");
    assert_ne!(key(&[("version", "v0.2.0")], "ubuntu24").0, base);
    assert_ne!(key(&[], "ubuntu22").0, base, "another runner image");
    assert!(
        base.contains("ubuntu24") && base.contains("v0.1.0"),
        "{base}"
    );
}

#[test]
fn other_inputs_are_validated_too() {
    for (input, value, message) in [
        (
            "repository",
            "https://x/y\nroot=/z",
            "the repository must be a git URL",
        ),
        (
            "repository",
            "--upload-pack=touch /tmp/x",
            "the repository must be a git URL",
        ),
        (
            "repository",
            "/local/path",
            "the repository must be a git URL",
        ),
        (
            "toolchain",
            "stable",
            "the toolchain must be an exact Rust version",
        ),
        (
            "toolchain",
            "1.95",
            "the toolchain must be an exact Rust version",
        ),
        (
            "timeout",
            "10; rm -rf /",
            "the timeout must be a whole number",
        ),
        (
            "junit",
            "a\nb.xml",
            "must be file paths without control characters",
        ),
        (
            "summary",
            "",
            "must be file paths without control characters",
        ),
        (
            "results",
            "",
            "must be file paths without control characters",
        ),
        (
            "html",
            "a\u{7}.html",
            "must be file paths without control characters",
        ),
        (
            "html",
            "conformance-junit.xml",
            "must be five different paths",
        ),
        (
            "results",
            "conformance-summary.md",
            "must be five different paths",
        ),
        ("artifact-name", "a/b", "the artifact-name may hold"),
        ("artifact-name", "x\ny", "the artifact-name may hold"),
    ] {
        let (_, ran) = suite(&[(input, value)]);
        assert_eq!(ran.code, Some(2), "{input}={value:?}");
        assert!(
            ran.stdout.contains(message),
            "{input}={value:?}: {}",
            ran.stdout
        );
        assert_eq!(ran.raw_outputs, "");
    }
    let (_, ran) = suite(&[("repository", "file:///srv/git/enmeshed-conformance")]);
    assert_eq!(ran.code, Some(0), "{}", ran.stdout);
}

#[test]
fn artifacts_are_named_per_job_and_matrix_entry() {
    let name = |inputs: &[(&str, &str)], job: &str, os: &str| {
        let mut replay = Replay::new(inputs);
        replay.github.insert("job".to_owned(), job.to_owned());
        replay.runner.insert("os".to_owned(), os.to_owned());
        let ran = replay.run("suite");
        assert_eq!(ran.code, Some(0), "{}", ran.stdout);
        let upload = upload_step(&replay.action);
        let evaluated = replay.evaluate(upload["with"]["name"].as_str().unwrap());
        assert_eq!(evaluated, ran.outputs["artifact-name"]);
        evaluated
    };
    let base = name(&[], "conformance", "Linux");
    assert!(
        base.starts_with("conformance-conformance-Linux-X64-"),
        "{base}"
    );
    assert_eq!(name(&[], "conformance", "Linux"), base);
    assert_ne!(name(&[], "other-job", "Linux"), base);
    assert_ne!(name(&[], "conformance", "macOS"), base);
    assert_ne!(
        name(
            &[("adapter-cmd", "node adapter.js")],
            "conformance",
            "Linux"
        ),
        base
    );
    assert_eq!(
        name(
            &[("artifact-name", "conformance-node-20")],
            "conformance",
            "Linux"
        ),
        "conformance-node-20"
    );
}

/// Replays suite, PATH, smoke and run against `adapter`; returns the run
/// step and the replay.
fn conformance(adapter: &str) -> (Replay, Ran, Ran) {
    let mut replay = Replay::new(&[("adapter-cmd", adapter), ("fuzz-cases", "5")]);
    for name in REPORTS {
        let path = replay
            .dir
            .path()
            .join("work")
            .join(format!("report-{name}"));
        replay
            .inputs
            .insert(name.to_owned(), path.display().to_string());
    }
    assert_eq!(replay.run("suite").code, Some(0));
    replay.install_binary();
    let on_path = replay.step_named("Put the suite on PATH");
    assert_eq!(on_path.code, Some(0), "{}", on_path.stderr);
    assert!(
        on_path.stdout.starts_with("enmeshed-conformance "),
        "{}",
        on_path.stdout
    );
    std::fs::write(replay.file("step_summary"), "from an earlier step\n").unwrap();
    let smoke = replay.run("smoke");
    let run = replay.run("run");
    (replay, smoke, run)
}

impl Replay {
    /// Runs a step that has no id, by name.
    fn step_named(&mut self, name: &str) -> Ran {
        let index = steps(&self.action)
            .iter()
            .position(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("no step {name}"));
        let id = format!("step{index}");
        if let Some(list) = self.action["runs"]["steps"].as_array_mut() {
            list[index]["id"] = Value::String(id.clone());
        }
        self.run(&id)
    }

    /// The action's outputs, evaluated.
    fn action_outputs(&self) -> BTreeMap<String, String> {
        self.action["outputs"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(name, output)| {
                (
                    name.clone(),
                    self.evaluate(output["value"].as_str().unwrap()),
                )
            })
            .collect()
    }
}

fn counts(outputs: &BTreeMap<String, String>) -> [u64; 5] {
    ["total", "passed", "failed", "errored", "skipped"].map(|name| {
        outputs[name]
            .parse()
            .unwrap_or_else(|_| panic!("{name}: {outputs:?}"))
    })
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_passing_run_gives_its_verdict_counts_reports_and_summary() {
    let (replay, smoke, run) = conformance("python3 examples/python/enmeshed_idp.py");
    assert_eq!(smoke.code, Some(0), "{}", smoke.stdout);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let outputs = replay.action_outputs();
    assert_eq!(outputs["verdict"], "passed");
    assert_eq!(outputs["exit-code"], "0");
    let [total, passed, failed, errored, skipped] = counts(&outputs);
    assert!(total > 0 && failed == 0 && errored == 0);
    assert_eq!(passed + skipped, total);
    let junit = std::fs::read_to_string(&outputs["junit"]).unwrap();
    assert!(junit.contains(&format!("tests=\"{total}\"")), "{junit}");
    assert!(Path::new(&outputs["json"]).is_file());
    let summary = std::fs::read_to_string(&outputs["summary"]).unwrap();
    let step_summary = std::fs::read_to_string(replay.file("step_summary")).unwrap();
    assert_eq!(
        step_summary,
        format!("from an earlier step\n{summary}"),
        "appended"
    );
    assert!(outputs["artifact-name"].starts_with("conformance-"));
    // The same gated run wrote the results file, and the HTML report was made from it.
    let results: Value =
        serde_json::from_str(&std::fs::read_to_string(&outputs["results"]).unwrap()).unwrap();
    assert_eq!(results["format"], "enmeshed-conformance-results");
    let html = std::fs::read_to_string(&outputs["html"]).unwrap();
    assert!(
        html.to_ascii_lowercase().starts_with("<!doctype html>"),
        "{}",
        &html[..html.len().min(200)]
    );
    assert_artifact_holds_every_report(&replay);
}

/// Every path the upload step lists is a report the run wrote.
fn assert_artifact_holds_every_report(replay: &Replay) {
    let upload = upload_step(&replay.action);
    let listed = replay.evaluate(upload["with"]["path"].as_str().unwrap());
    let listed: Vec<&str> = listed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(listed.len(), REPORTS.len(), "{listed:?}");
    for (path, report) in listed.iter().zip(REPORTS) {
        assert_eq!(*path, replay.inputs[report]);
        let written = std::fs::metadata(path).unwrap_or_else(|e| panic!("{report} {path}: {e}"));
        assert!(written.len() > 0, "{report} {path} is empty");
    }
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_failing_run_fails_the_step_with_its_counts_and_a_broken_adapter_says_so() {
    let (replay, _, run) = conformance(cli::WRONG_MESSAGE);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let outputs = replay.action_outputs();
    assert_eq!(outputs["verdict"], "failed");
    assert_eq!(outputs["exit-code"], "1");
    let [total, passed, failed, errored, skipped] = counts(&outputs);
    assert!(failed >= cli::FAILING.len() as u64, "{outputs:?}");
    assert_eq!(passed + failed + errored + skipped, total);
    assert_eq!(
        outputs["html"], replay.inputs["html"],
        "a failed run has its HTML report too"
    );
    assert_artifact_holds_every_report(&replay);
    let step_summary = std::fs::read_to_string(replay.file("step_summary")).unwrap();
    assert!(
        step_summary.contains(cli::FAILING[0].split('`').next().unwrap()),
        "{step_summary}"
    );
    // On the runner (GITHUB_ACTIONS=true) the suite annotates each failing
    // rule once, with its count.
    let annotations: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error title=RID1."))
        .collect();
    assert!(
        annotations.len() == 2 && annotations[0].contains(" test cases)::fails "),
        "{}",
        run.stdout
    );

    let mut broken = Replay::new(&[(
        "adapter-cmd",
        "python3 tests/fixtures/adapters/bad_version.py",
    )]);
    assert_eq!(broken.run("suite").code, Some(0));
    broken.install_binary();
    broken.step_named("Put the suite on PATH");
    let smoke = broken.run("smoke");
    assert_eq!(smoke.code, Some(1));
    assert_eq!(broken.action_outputs()["verdict"], "adapter-broken");
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn skipped_test_cases_are_counted_from_the_junit_report() {
    let (replay, _, run) = conformance("python3 tests/fixtures/adapters/no_capabilities.py");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let outputs = replay.action_outputs();
    let [total, passed, failed, errored, skipped] = counts(&outputs);
    let junit = std::fs::read_to_string(&outputs["junit"]).unwrap();
    let in_report = junit.matches("<skipped").count() as u64;
    assert!(skipped > 0 && skipped == in_report, "{outputs:?}");
    assert_eq!((failed, errored), (0, 0));
    assert_eq!(passed + skipped, total);
}

#[test]
fn the_example_workflows_install_dependencies_only_from_a_lock_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let node = root.join("examples/node");
    assert!(
        !node.join("package.json").exists() || node.join("package-lock.json").exists(),
        "examples/node has dependencies but no lock file for `npm ci`"
    );
    for workflow in WORKFLOWS {
        let flow = yaml(workflow);
        for job in flow["jobs"].as_object().unwrap().values() {
            for step in job["steps"].as_array().unwrap() {
                if step["run"].as_str().is_some_and(|r| r.contains("npm ci")) {
                    assert!(
                        step["if"]
                            .as_str()
                            .is_some_and(|c| c.contains("hashFiles('package-lock.json')")),
                        "{workflow}: `npm ci` without a lock file fails: {step}"
                    );
                }
                if step["uses"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("actions/setup-node@"))
                {
                    assert!(
                        step["with"]["cache"].is_null(),
                        "{workflow}: setup-node's npm cache needs a lock file"
                    );
                }
            }
        }
    }
}

#[test]
fn matrix_workflows_name_their_artifacts_per_entry() {
    for workflow in WORKFLOWS {
        let flow = yaml(workflow);
        for job in flow["jobs"].as_object().unwrap().values() {
            let Some(matrix) = job["strategy"]["matrix"].as_object() else {
                continue;
            };
            let action = job["steps"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| {
                    s["uses"]
                        .as_str()
                        .is_some_and(|u| u.contains("/enmeshed-conformance@"))
                })
                .unwrap();
            let name = action["with"]["artifact-name"].as_str().unwrap_or_default();
            assert!(
                matrix.keys().all(|k| name.contains(&format!("matrix.{k}")))
                    || name.contains("strategy.job-index"),
                "{workflow}: artifact-name {name:?} does not name the matrix entry"
            );
        }
    }
}

#[test]
fn the_wheel_install_pips_the_tag_s_version_into_the_tool_cache() {
    let source = suite(&[("version", "v1.2.3-rc.1")]).1;
    for (version, package) in [("v0.1.0", "0.1.0"), ("v1.2.3-rc.1", "1.2.3-rc.1")] {
        let (mut replay, ran) = suite(&[("version", version), ("install", "wheel")]);
        assert_eq!(ran.code, Some(0), "{version}: {}{}", ran.stdout, ran.stderr);
        assert_eq!(ran.outputs["install"], "wheel");
        let root = PathBuf::from(&ran.outputs["root"]);
        assert!(
            root.starts_with(replay.dir.path().join("tool-cache/enmeshed-conformance")),
            "{root:?}"
        );
        assert!(root.ends_with(format!("{version}-wheel")), "{root:?}");
        if version == "v1.2.3-rc.1" {
            assert_ne!(ran.outputs["cache-key"], source.outputs["cache-key"]);
            assert_ne!(ran.outputs["root"], source.outputs["root"]);
        }
        let installed = replay.run("install");
        assert_eq!(installed.code, Some(0), "{}", installed.stderr);
        assert_eq!(
            std::fs::read_to_string(replay.calls("python3")).unwrap(),
            format!(
                "-m pip install --disable-pip-version-check --no-deps --target {} enmeshed-conformance=={package}\n",
                root.display()
            )
        );
        assert!(!replay.calls("rustup").exists() && !replay.calls("cargo").exists());
        // pip puts the wheel's binary in ROOT/bin, which the next step puts on PATH.
        replay.install_binary();
        let on_path = replay.step_named("Put the suite on PATH");
        assert_eq!(on_path.code, Some(0), "{}", on_path.stderr);
        assert!(on_path.stdout.starts_with("enmeshed-conformance "));
        assert_eq!(
            std::fs::read_to_string(replay.file("github_path")).unwrap(),
            format!("{}\n", root.join("bin").display())
        );
    }
}

#[test]
fn the_install_input_is_validated() {
    for (inputs, message) in [
        (
            vec![("install", "binary")],
            "install must be source or wheel",
        ),
        (
            vec![("install", "wheel\nroot=/x")],
            "install must be source or wheel",
        ),
        (vec![("install", "")], "install must be source or wheel"),
        (
            vec![("install", "wheel"), ("version", SHA)],
            "install: wheel needs a release tag published on PyPI",
        ),
        (
            vec![("install", "wheel"), ("version", "v1.2.3-nightly.5")],
            "install: wheel needs a release tag published on PyPI",
        ),
    ] {
        let (_, ran) = suite(&inputs);
        assert_eq!(ran.code, Some(2), "{inputs:?}");
        assert!(ran.stdout.contains(message), "{inputs:?}: {}", ran.stdout);
        assert_eq!(ran.raw_outputs, "", "{inputs:?}");
    }
    let (_, ran) = suite(&[("install", "source"), ("version", SHA)]);
    assert_eq!(ran.code, Some(0), "{}", ran.stdout);
    assert_eq!(ran.outputs["install"], "source");
}

const WORKFLOWS: [&str; 2] = [
    "examples/github-actions/conformance.yml",
    "examples/github-actions/conformance-node.yml",
];

/// The JUnit publisher the example workflows use (named, with why, in docs/vendors.md).
const PUBLISHER: &str = "mikepenz/action-junit-report@";

/// The example workflows as they run today: every action pinned by a commit SHA, the suite's
/// own at a commit (there is no release tag yet), which the action's steps take and install
/// with `--rev`; every output they read exists; the JUnit report goes to a check run.
#[test]
fn the_example_workflows_are_pinned_replayed_and_publish_junit() {
    let action = yaml("action.yml");
    let vendors =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/vendors.md"))
            .unwrap();
    for workflow in WORKFLOWS {
        let flow = yaml(workflow);
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(workflow)).unwrap();
        assert_eq!(
            flow["permissions"]["checks"], "write",
            "{workflow}: the check run"
        );
        let job = flow["jobs"].as_object().unwrap().values().next().unwrap();
        let steps = job["steps"].as_array().unwrap();
        for step in steps.iter().filter(|s| s["uses"].is_string()) {
            assert_pinned(step["uses"].as_str().unwrap(), workflow);
        }
        let at = steps
            .iter()
            .position(|s| {
                s["uses"]
                    .as_str()
                    .is_some_and(|u| u.contains("/enmeshed-conformance@"))
            })
            .unwrap();
        let suite_step = &steps[at];
        let id = suite_step["id"].as_str().expect("the suite step has an id");
        let (repository, reference) = suite_step["uses"]
            .as_str()
            .unwrap()
            .split_once('@')
            .unwrap();

        // Replay the action as this workflow uses it (the first matrix entry).
        let with: Vec<(String, String)> = suite_step["with"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let mut replay = Replay::new(&[]);
        if let Some(matrix) = job["strategy"]["matrix"].as_object() {
            for (name, values) in matrix {
                let first = &values.as_array().unwrap()[0];
                replay
                    .matrix
                    .insert(name.clone(), first.as_str().unwrap().to_owned());
            }
        }
        for (name, value) in &with {
            let value = replay.evaluate(value);
            replay.inputs.insert(name.clone(), value);
        }
        replay
            .github
            .insert("action_ref".to_owned(), reference.to_owned());
        replay
            .github
            .insert("action_repository".to_owned(), repository.to_owned());
        let ran = replay.run("suite");
        assert_eq!(ran.code, Some(0), "{workflow}: {}", ran.stdout);
        assert_eq!(ran.outputs["pin"], "--rev", "{workflow}: a commit pin");
        assert_eq!(ran.outputs["version"], reference);
        if let Some(name) = with.iter().find(|(k, _)| k == "artifact-name") {
            assert!(
                !ran.outputs["artifact-name"].contains("${{"),
                "{workflow}: {name:?}"
            );
        }
        let installed = replay.run("install");
        assert_eq!(installed.code, Some(0), "{}", installed.stderr);
        let cargo = std::fs::read_to_string(replay.calls("cargo")).unwrap();
        assert!(
            cargo.contains(&format!(
                "--git https://github.com/{repository} --rev {reference} "
            )),
            "{workflow}: {cargo}"
        );

        // Every output of the suite step the workflow reads is one the action has.
        let prefix = format!("steps.{id}.outputs.");
        for (start, _) in text.match_indices(&prefix) {
            let name: String = text[start + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            assert!(
                action["outputs"][&name].is_object(),
                "{workflow}: the action has no output {name}"
            );
        }

        // The JUnit report as a check run, after the gate, whatever its verdict; the gate stays
        // the one verdict and the suite's per-rule annotations the only annotations.
        let publish = steps[at + 1..]
            .iter()
            .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(PUBLISHER)))
            .unwrap_or_else(|| panic!("{workflow}: no {PUBLISHER} step after the suite"));
        let with = &publish["with"];
        assert_eq!(
            with["report_paths"],
            format!("${{{{ steps.{id}.outputs.junit }}}}"),
            "{workflow}"
        );
        assert!(
            publish["if"]
                .as_str()
                .is_some_and(|c| c.contains("!cancelled()")),
            "{workflow}: published also when the gate fails"
        );
        assert_eq!(with["skip_annotations"], true, "{workflow}");
        assert!(
            with["fail_on_failure"].is_null() || with["fail_on_failure"] == false,
            "{workflow}"
        );
        // docs/vendors.md names the same pin.
        let pin = publish["uses"].as_str().unwrap();
        assert!(vendors.contains(pin), "docs/vendors.md does not name {pin}");
    }
}
