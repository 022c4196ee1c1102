//! Builds the suite into the binary: lists the feature files
//! (`features/generated/*.feature`, `features/manual/*.feature`) and the
//! use-case pages (`spec/use-cases/*.md`) and writes
//! `$OUT_DIR/embedded_suite.rs`, which `src/suite` includes. The lists follow
//! the files: Cargo reruns this script when a file in those directories is
//! added, removed or changed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The embedded feature directories, in the order the suite runs them.
const FEATURE_DIRS: [&str; 2] = ["features/generated", "features/manual"];
/// The embedded use-case pages.
const SPEC_DIR: &str = "spec/use-cases";

fn main() -> Result<(), String> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    println!("cargo:rerun-if-changed=build.rs");
    for dir in FEATURE_DIRS.iter().chain([&SPEC_DIR]) {
        println!("cargo:rerun-if-changed={dir}");
    }
    let mut features = Vec::new();
    for dir in FEATURE_DIRS {
        features.extend(list(&root, dir, "feature")?);
    }
    let pages = list(&root, SPEC_DIR, "md")?;
    let mut code = String::from("// Written by build.rs: the embedded suite.\n");
    table(
        &mut code,
        "FEATURES",
        "The feature files, generated first, each directory sorted.",
        &root,
        &features,
    );
    table(
        &mut code,
        "SPEC_PAGES",
        "The use-case pages, sorted.",
        &root,
        &pages,
    );
    let target = out.join("embedded_suite.rs");
    std::fs::write(&target, code).map_err(|e| format!("cannot write {}: {e}", target.display()))
}

/// The files `*.<extension>` directly in `root/dir`, as sorted relative paths.
fn list(root: &Path, dir: &str, extension: &str) -> Result<Vec<String>, String> {
    let path = root.join(dir);
    let entries =
        std::fs::read_dir(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            return Err(format!(
                "{}: a file name is not UTF-8: {name:?}",
                path.display()
            ));
        };
        if name.ends_with(&format!(".{extension}")) && entry.path().is_file() {
            files.push(format!("{dir}/{name}"));
        }
    }
    files.sort();
    Ok(files)
}

fn table(code: &mut String, name: &str, doc: &str, root: &Path, files: &[String]) {
    let _ = writeln!(code, "/// {doc}\npub const {name}: &[EmbeddedFile] = &[");
    for file in files {
        let absolute = root.join(file);
        let _ = writeln!(
            code,
            "    EmbeddedFile {{ path: {file:?}, text: include_str!({:?}) }},",
            absolute.display().to_string()
        );
    }
    code.push_str("];\n");
}
