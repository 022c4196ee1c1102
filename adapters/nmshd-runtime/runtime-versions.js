"use strict";
// Which @nmshd/runtime the adapter runs, and the few places where the six versions' APIs differ.
//
// versions.json is the one list of versions: each is installed under its `package` name (7.0.0 as
// @nmshd/runtime, the older ones as npm aliases such as nmshd-runtime-5.3.0), and each pins its
// own @nmshd/transport, @nmshd/consumption and @nmshd/crypto, which npm nests under it. Every
// package of the selected version is loaded with a require() made (module.createRequire) in the
// runtime's own directory, so node's lookup finds the nested copies first and never mixes one
// version's runtime with another's transport.

const fs = require("node:fs");
const path = require("node:path");
const { createRequire } = require("node:module");

const VERSIONS_FILE = path.join(__dirname, "versions.json");
const INSTALL_COMMAND = "(cd adapters/nmshd-runtime && npm ci)";

/** A version that cannot be run: unknown, not installed, or a bad command line. */
class SelectionError extends Error {}

function readVersions() {
    return JSON.parse(fs.readFileSync(VERSIONS_FILE, "utf8"));
}

// The command line: `--runtime VERSION` (or `--runtime=VERSION`); nothing else is accepted.
function requestedVersion(argv) {
    let version;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--runtime") {
            if (i + 1 >= argv.length) throw new SelectionError("--runtime needs a version, e.g. --runtime 7.0.0");
            version = argv[++i];
        } else if (arg.startsWith("--runtime=")) {
            version = arg.slice("--runtime=".length);
        } else {
            throw new SelectionError(`unknown argument '${arg}'; usage: adapter.js [--runtime VERSION]`);
        }
    }
    return version;
}

/**
 * The runtime version to run: `--runtime VERSION` from `argv`, else versions.json's `default`.
 * Returns {version, consumerApi, backbone, dir, require} (`backbone`: the fake Backbone's rule
 * set), where `require` loads packages as that runtime
 * sees them (its own nested @nmshd/transport, consumption, crypto). Throws SelectionError naming
 * the version, the known ones and the install command when it is unknown or not installed.
 */
function selectRuntime(argv) {
    const list = readVersions();
    const version = requestedVersion(argv) ?? list.default;
    const known = list.versions.map((v) => v.version);
    const entry = list.versions.find((v) => v.version === version);
    if (!entry) {
        throw new SelectionError(
            `unknown @nmshd/runtime version '${version}'; known versions (versions.json): ${known.join(", ")}, all installed with: ${INSTALL_COMMAND}`
        );
    }
    let manifest;
    try {
        manifest = require.resolve(`${entry.package}/package.json`);
    } catch {
        throw new SelectionError(
            `@nmshd/runtime ${version} is not installed (package '${entry.package}'); install all versions (${known.join(", ")}) with: ${INSTALL_COMMAND}`
        );
    }
    const installed = JSON.parse(fs.readFileSync(manifest, "utf8"));
    if (installed.name !== "@nmshd/runtime" || installed.version !== version) {
        throw new SelectionError(
            `'${entry.package}' holds ${installed.name} ${installed.version}, not @nmshd/runtime ${version}; reinstall with: ${INSTALL_COMMAND}`
        );
    }
    const dir = path.dirname(manifest);
    const requireHere = createRequire(manifest);
    return {
        version,
        consumerApi: entry.consumerApi,
        backbone: entry.backbone,
        dir,
        // The runtime itself by its directory (a bare `@nmshd/runtime` from an aliased package's
        // directory would walk up to the top-level 7.0.0); its dependencies by name from there.
        require: (name) => (name === "@nmshd/runtime" ? requireHere(dir) : requireHere(name))
    };
}

// --- Where the versions' APIs differ (as the adapter uses them) -----------------------------
// Read from each version's dist/*.d.ts (node_modules/<package>/...):
// - The Runtime subclass API is the same in all six (dist/Runtime.d.ts: createDatabaseConnection,
//   initAccount, getHealth, loadModule, getServices, protected login(accountController,
//   consumptionController)); 5.3.0 passes the database connection to Transport itself and has no
//   correlator argument, neither of which the adapter uses.
// - The ConsumptionController's config: @nmshd/consumption 5.3.0 to 6.60.5
//   dist/consumption/ConsumptionConfig.d.ts `setDefaultRepositoryAttributes`; 7.0.0
//   `setDefaultOwnIdentityAttributes`. The adapter turns it off in every version.
// - initiateIdentityDeletionProcess takes no request in 5.3.0 (dist/extensibility/facades/
//   transport/IdentityDeletionProcessesFacade.d.ts line 15), so lengthOfGracePeriodInDays is
//   ignored there: the adapter passes it unchanged, the runtime's behaviour is what is judged.
function consumptionConfig(selected) {
    const major = Number(selected.version.split(".")[0]);
    return major >= 7 ? { setDefaultOwnIdentityAttributes: false } : { setDefaultRepositoryAttributes: false };
}

module.exports = { selectRuntime, consumptionConfig, SelectionError, INSTALL_COMMAND };
