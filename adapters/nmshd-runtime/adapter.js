#!/usr/bin/env node
"use strict";
// enmeshed-conformance stdio protocol, version 1 (PROTOCOL.md), served by the real
// @nmshd/runtime (any version in versions.json; default its `default`, 7.0.0) against an
// in-process fake Backbone (fake-backbone.js), or against a real Backbone when
// NMSHD_BACKBONE_URL is set (untested here; see README.md).
//
//   enmeshed-conformance run --adapter-cmd "node adapters/nmshd-runtime/adapter.js"
//   enmeshed-conformance run --adapter-cmd "node adapters/nmshd-runtime/adapter.js --runtime 6.60.5"
//
// Requests are read line by line from stdin and served concurrently; each reply names its seq.
// Nothing but replies is written to stdout: console output and all loggers go to stderr.

// Before anything else is loaded: no library may write to stdout.
for (const method of ["log", "info", "debug"]) console[method] = (...args) => console.error(...args);

const readline = require("node:readline");
const { selectRuntime, SelectionError } = require("./runtime-versions");

// The version to run (--runtime VERSION): unknown or not installed is an error before anything
// starts, naming the version, the known ones and the install command.
let selected;
try {
    selected = selectRuntime(process.argv.slice(2));
} catch (e) {
    if (!(e instanceof SelectionError)) throw e;
    process.stderr.write(`adapters/nmshd-runtime: ${e.message}\n`);
    process.exit(2);
}

const { FakeBackbone } = require("./fake-backbone");
const { startRuntime, runtimeVersion, StderrLoggerFactory } = require("./runtime-host");

const PROTOCOL_VERSION = 1;

// The datawallet, as the real products run it:
// - on (the default): the enmeshed app. nmshd/runtime packages/app-runtime/src/AppConfig.ts
//   (createAppConfig, lines 27-29: `transportLibrary: { datawalletEnabled: true }`); the app's own
//   runtime configuration also passes `'datawalletEnabled': true`. Initiate and cancel then push
//   the local change to the Backbone's datawallet (`accountController.syncDatawallet()` in
//   @nmshd/runtime 7.0.0 dist/useCases/transport/identityDeletionProcesses/*.js).
// - off: the Connector. nmshd/connector config/default.json sets no `datawalletEnabled`, so the
//   transport library's default applies (@nmshd/transport 7.0.0 dist/core/Transport.js line 31,
//   `datawalletEnabled: false`).
// NMSHD_DATAWALLET=on|off picks one; CI runs the suite in both modes.
function datawalletMode() {
    const value = (process.env.NMSHD_DATAWALLET || "on").toLowerCase();
    if (value !== "on" && value !== "off") throw new Error(`NMSHD_DATAWALLET must be 'on' or 'off', not '${process.env.NMSHD_DATAWALLET}'`);
    return value;
}
const DATAWALLET = datawalletMode();
const logger = new StderrLoggerFactory(process.env.NMSHD_LOG_LEVEL || "warn").getLogger("adapter");

// Profiling (opt in, for BENCHMARKS.md): NMSHD_ADAPTER_TIMINGS=<file> appends one JSON line per
// request ({kind, ms}: time from the line's arrival to its reply) and one for the start-up
// ({kind: "startUp", ms}) to that file. Off by default; it changes no reply.
const TIMINGS = process.env.NMSHD_ADAPTER_TIMINGS || "";
const started = performance.now();
function recordTiming(kind, since) {
    if (!TIMINGS) return;
    try {
        require("node:fs").appendFileSync(TIMINGS, JSON.stringify({ kind, ms: Math.round((performance.now() - since) * 100) / 100 }) + "\n");
    } catch (e) {
        logger.warn(`cannot write NMSHD_ADAPTER_TIMINGS: ${e.message}`);
    }
}

// --- Start-up (begins at once; `start` waits for it) ---------------------------------------

let fakeBackbone; // set when the fake is used: it owns the `clock` capability
let runtime;

async function setUp() {
    const realUrl = process.env.NMSHD_BACKBONE_URL;
    let backbone;
    if (realUrl) {
        backbone = {
            baseUrl: realUrl,
            clientId: process.env.NMSHD_PLATFORM_CLIENT_ID || "",
            clientSecret: process.env.NMSHD_PLATFORM_CLIENT_SECRET || ""
        };
    } else {
        const clientId = "conformance";
        const clientSecret = "conformance-secret";
        const requests = (address) => perIdentity.get(address) ?? { inFlight: 0, arrived: 0 };
        fakeBackbone = new FakeBackbone({ clientId, clientSecret, logger, requests, load: selected.require, mode: selected.backbone });
        backbone = { baseUrl: await fakeBackbone.listen(), clientId, clientSecret };
    }
    runtime = await startRuntime(selected, backbone, new StderrLoggerFactory(process.env.NMSHD_LOG_LEVEL || "warn"), {
        datawalletEnabled: DATAWALLET === "on"
    });
}

const ready = setUp();
ready.then(() => recordTiming("startUp", started), () => {});
ready.catch((e) => logger.error("start-up failed", e));

// --- Requests -------------------------------------------------------------------------------

class Errored extends Error {}

function services(request) {
    if (typeof request.identity !== "string") throw new Errored("the request has no identity");
    try {
        return runtime.getServices(request.identity).transportServices.identityDeletionProcesses;
    } catch {
        throw new Errored(`unknown identity '${request.identity}'`);
    }
}

// A runtime Result becomes `result` or `error`, code and message unchanged.
function fromResult(result) {
    if (result.isError) return { error: { code: result.error.code, message: result.error.message } };
    return { result: result.value };
}

const handlers = {
    start: async () => {
        await ready;
        return {
            result: {
                name: `@nmshd/runtime ${fakeBackbone ? "with the fake Backbone" : "with a real Backbone"}, datawallet ${DATAWALLET} (adapters/nmshd-runtime)`,
                version: runtimeVersion(selected),
                protocolVersion: PROTOCOL_VERSION,
                // `clock` and `setClock` move the fake Backbone's clock for that Identity; a real
                // Backbone's clock cannot be moved.
                capabilities: fakeBackbone ? ["clock", "setClock", "events"] : ["events"]
            }
        };
    },
    newIdentity: async () => {
        await ready;
        return { result: { identity: await runtime.createIdentity() } };
    },
    // RID1
    initiate: async (request) => {
        const args = {};
        if (request.lengthOfGracePeriodInDays !== undefined) args.lengthOfGracePeriodInDays = request.lengthOfGracePeriodInDays;
        return fromResult(await services(request).initiateIdentityDeletionProcess(args));
    },
    // RID2
    cancel: async (request) => fromResult(await services(request).cancelIdentityDeletionProcess()),
    // RID3: the id is passed as given, malformed or not.
    get: async (request) => fromResult(await services(request).getIdentityDeletionProcess({ id: request.id })),
    // RID4
    getActive: async (request) => fromResult(await services(request).getActiveIdentityDeletionProcess()),
    // RID5
    getAll: async (request) => fromResult(await services(request).getIdentityDeletionProcesses()),
    advanceClock: async (request) => {
        services(request); // the Identity must exist
        if (!fakeBackbone) throw new Errored("capability 'clock' is not offered with a real Backbone");
        const ms = request.milliseconds;
        if (!Number.isInteger(ms) || ms < 0) throw new Errored("milliseconds must be a non-negative integer");
        fakeBackbone.identity(request.identity).advanceClock(ms);
        return { result: {} };
    },
    setClock: async (request) => {
        services(request); // the Identity must exist
        if (!fakeBackbone) throw new Errored("capability 'clock' is not offered with a real Backbone");
        const at = Date.parse(request.instant);
        if (typeof request.instant !== "string" || !request.instant.endsWith("Z") || Number.isNaN(at)) {
            throw new Errored("instant must be an RFC 3339 UTC date-time ending in Z");
        }
        fakeBackbone.identity(request.identity).setClock(at);
        return { result: {} };
    },
    takeEvents: async (request) => {
        services(request);
        return { result: runtime.takeEvents(request.identity) };
    }
};

async function handle(request) {
    const handler = Object.prototype.hasOwnProperty.call(handlers, request.kind) ? handlers[request.kind] : undefined;
    if (!handler) return { errored: { message: `unknown request kind '${request.kind}'` } };
    try {
        if (request.kind !== "start") await ready;
        return await handler(request);
    } catch (e) {
        if (!(e instanceof Errored)) logger.error(`request ${request.seq} (${request.kind}) failed`, e);
        return { errored: { message: e instanceof Error ? e.message : String(e) } };
    }
}

function reply(seq, body) {
    return new Promise((resolve) => process.stdout.write(JSON.stringify({ seq, ...body }) + "\n", resolve));
}

// --- The loop -------------------------------------------------------------------------------

const inFlight = new Set();
// Per Identity: its requests in flight (from the line's arrival to its reply) and how many have
// arrived; the fake Backbone pays its full load-to-save gap only for a call that another request of
// the same Identity overlaps (fake-backbone.js, databaseRoundTrip).
const perIdentity = new Map();
let stopping = false;

const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });

input.on("line", (line) => {
    if (stopping || !line.trim()) return;
    let request;
    try {
        request = JSON.parse(line);
    } catch (e) {
        logger.warn(`ignoring a line that is not JSON: ${e.message}`);
        return;
    }
    if (request === null || typeof request !== "object" || Array.isArray(request)) {
        logger.warn("ignoring a line that is not a JSON object");
        return;
    }
    if (request.kind === "stop") {
        stopping = true;
        void stop(request.seq);
        return;
    }
    const arrived = performance.now();
    const identity = typeof request.identity === "string" ? request.identity : undefined;
    if (identity !== undefined) {
        const counts = perIdentity.get(identity) ?? { inFlight: 0, arrived: 0 };
        counts.inFlight += 1;
        counts.arrived += 1;
        perIdentity.set(identity, counts);
    }
    const work = handle(request).then((body) => {
        recordTiming(String(request.kind), arrived);
        return reply(request.seq, body);
    });
    inFlight.add(work);
    work.finally(() => {
        inFlight.delete(work);
        if (identity !== undefined) perIdentity.get(identity).inFlight -= 1;
    });
});

// stdin closed without `stop`: answer what is in flight, then clean up and exit as well.
input.on("close", () => {
    if (stopping) return;
    stopping = true;
    void settle().then(() => shutDown(0));
});

async function stop(seq) {
    await settle();
    await reply(seq, { result: {} });
    await shutDown(0);
}

// Requests already in flight answer first (as in the Python example), for at most 10 s.
function settle() {
    return Promise.race([Promise.allSettled([...inFlight]), delay(10000)]);
}

let shuttingDown;
function shutDown(code) {
    shuttingDown ??= (async () => {
        const cleanUp = (async () => {
            try {
                await ready;
            } catch {
                // start-up failed: nothing more to stop than what exists
            }
            try {
                await runtime?.shutdown();
            } catch (e) {
                logger.warn("runtime shutdown failed", e);
            }
            await fakeBackbone?.close();
        })();
        // never hang on the way out
        await Promise.race([cleanUp, delay(5000)]);
        process.exit(code);
    })();
    return shuttingDown;
}

function delay(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

process.on("unhandledRejection", (e) => logger.error("unhandled rejection", e));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => void shutDown(0));
