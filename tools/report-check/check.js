// Checks the suite's report outputs with off-the-shelf validators:
//   node check.js schema SCHEMA.json RESULTS.json...   (Ajv, JSON Schema 2020-12)
//   node check.js html REPORT.html...                  (html-validate, its recommended rules)
// Prints what is wrong and exits 1; prints "ok" lines and exits 0 otherwise.
"use strict";
const fs = require("fs");

function schema(schemaPath, files) {
  const Ajv2020 = require("ajv/dist/2020");
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
  let failed = false;
  for (const file of files) {
    const data = JSON.parse(fs.readFileSync(file, "utf8"));
    if (validate(data)) {
      console.log(`ok ${file}: valid against ${schemaPath}`);
    } else {
      failed = true;
      for (const e of validate.errors.slice(0, 20)) {
        console.log(`${file}: ${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
      }
    }
  }
  return failed;
}

async function html(files) {
  const { HtmlValidate } = require("html-validate");
  const validator = new HtmlValidate({ extends: ["html-validate:recommended"] });
  let failed = false;
  for (const file of files) {
    const report = await validator.validateFile(file);
    if (report.valid) {
      console.log(`ok ${file}: valid HTML`);
      continue;
    }
    failed = true;
    for (const result of report.results) {
      for (const m of result.messages.slice(0, 30)) {
        console.log(`${file}:${m.line}:${m.column}: ${m.ruleId}: ${m.message}`);
      }
    }
  }
  return failed;
}

async function main() {
  const [mode, ...rest] = process.argv.slice(2);
  let failed;
  if (mode === "schema" && rest.length >= 2) {
    failed = schema(rest[0], rest.slice(1));
  } else if (mode === "html" && rest.length >= 1) {
    failed = await html(rest);
  } else {
    console.error("usage: node check.js schema SCHEMA RESULTS... | node check.js html FILE...");
    process.exit(2);
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
