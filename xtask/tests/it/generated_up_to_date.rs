//! `cargo test` goes red when features/generated drifts from spec/use-cases
//! (rust-analyzer's `ensure_file_contents` is the model).

use crate::common;
use common::workspace;
use xtask::pipeline::{check, plan};

#[test]
fn generated_features_are_up_to_date() {
    let root = workspace();
    let plan = plan(&root.join("spec/use-cases"), &[]).unwrap_or_else(|e| panic!("{e}"));
    let drifts = check(&plan, &root.join("features/generated")).unwrap_or_else(|e| panic!("{e}"));
    if !drifts.is_empty() {
        let report: Vec<String> = drifts.iter().map(ToString::to_string).collect();
        panic!(
            "features/generated is out of date with spec/use-cases:\n{}\n\nto fix, run: cargo xtask gen",
            report.join("\n")
        );
    }
    assert_eq!(plan.features.len(), 5, "RID1-RID5 each give a feature");
}
