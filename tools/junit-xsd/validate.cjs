#!/usr/bin/env node
// Validates XML files against an XML Schema with libxml2's xmllint, compiled
// to WebAssembly (npm package xmllint-wasm, pinned in package-lock.json), so
// that `cargo test` needs no system package.
//
//   node tools/junit-xsd/validate.cjs SCHEMA.xsd FILE.xml...
//
// Exit 0: every file is valid. Exit 1: one is not (xmllint's errors on
// stderr). Exit 2: bad usage, a file that cannot be read, or xmllint-wasm
// not installed (the message names the install command).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const INSTALL = `npm ci --prefix ${path.relative(process.cwd(), __dirname) || "."} --no-audit --no-fund`;

async function main(argv) {
  if (argv.length < 2) {
    console.error("usage: node validate.cjs SCHEMA.xsd FILE.xml...");
    return 2;
  }
  let validateXML;
  try {
    ({ validateXML } = require("xmllint-wasm"));
  } catch (e) {
    console.error(`error: xmllint-wasm is not installed; run: ${INSTALL}\n(${e.message})`);
    return 2;
  }
  const read = (file) => {
    try {
      return { fileName: path.basename(file), contents: fs.readFileSync(file, "utf8") };
    } catch (e) {
      console.error(`error: cannot read ${file}: ${e.message}`);
      return null;
    }
  };
  const [schemaPath, ...xmlPaths] = argv;
  const schema = read(schemaPath);
  const xml = xmlPaths.map(read);
  if (!schema || xml.includes(null)) return 2;
  // Large reports need more than the default 16 MiB of WebAssembly memory.
  const bytes = xml.reduce((n, f) => n + f.contents.length, 0);
  const pages = Math.min(65536, Math.max(256, Math.ceil((bytes * 8) / 65536)));
  const result = await validateXML({ xml, schema, maxMemoryPages: pages });
  if (result.valid) {
    console.log(`valid: ${xmlPaths.join(", ")}`);
    return 0;
  }
  for (const error of result.errors) {
    console.error(error.rawMessage || error.message);
  }
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`error: ${e.stack || e}`);
    process.exit(2);
  },
);
