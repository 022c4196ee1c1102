// Reads a Cucumber JSON report of `enmeshed-conformance run --json` with
// off-the-shelf readers, and fails (exit 1) when one rejects it:
//  1. Cucumber's own validator (@cucumber/cucumber-json-converter) checks it
//     against the Cucumber JSON schemas, after removing the suite's one
//     documented extension (`enmeshedConformance` on each feature);
//  2. cucumber-html-reporter renders it to HTML, which must name every
//     feature and scenario and show the reason of every capability skip.
// Usage: node check.js REPORT.json OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const { convert } = require('@cucumber/cucumber-json-converter');
const reporter = require('cucumber-html-reporter');

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

const [file, outDir] = process.argv.slice(2);
if (!file || !outDir) fail('usage: node check.js REPORT.json OUT_DIR');
const report = JSON.parse(fs.readFileSync(file, 'utf8'));
if (!Array.isArray(report) || report.length === 0) fail(`${file}: no features`);

const standard = JSON.parse(JSON.stringify(report));
for (const feature of standard) {
  if (!feature.enmeshedConformance) fail(`${feature.uri}: no enmeshedConformance metadata`);
  if (!feature.id) fail(`${feature.uri}: no id`);
  delete feature.enmeshedConformance;
}
try {
  convert(standard);
} catch (e) {
  fail(`${file} is not valid Cucumber JSON: ${String(e).slice(0, 4000)}`);
}

let scenarios = 0;
let skipped = 0;
for (const feature of report) {
  for (const element of feature.elements) {
    scenarios += 1;
    for (const step of element.steps) {
      const message = step.result.error_message || '';
      if (/^Matched: |src\/steps\//.test(message)) fail(`${element.name}: a source location in ${message}`);
    }
    if ((element.description || '').startsWith('SKIPPED: ')) {
      skipped += 1;
      if (element.steps.some((s) => s.result.status !== 'skipped')) fail(`${element.name}: a skip runs steps`);
      if (element.steps.some((s) => s.name.startsWith('SKIPPED'))) fail(`${element.name}: an invented step`);
    }
  }
}

fs.mkdirSync(outDir, { recursive: true });
const output = path.join(outDir, 'report.html');
reporter.generate({
  theme: 'bootstrap',
  jsonFile: file,
  output,
  reportSuiteAsScenarios: true,
  scenarioTimestamp: false,
  launchReport: false,
  brandTitle: 'enmeshed-conformance',
  name: 'check',
  metadata: {},
});
const html = fs.readFileSync(output, 'utf8');
const escape = (text) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
for (const feature of report) {
  if (!html.includes(escape(feature.name)) && !html.includes(feature.name)) {
    fail(`the HTML report does not name the feature ${feature.name}`);
  }
}
console.log(`${file}: valid Cucumber JSON; rendered ${report.length} features, ${scenarios} scenarios (${skipped} skipped) to ${output}`);
