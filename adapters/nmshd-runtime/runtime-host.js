"use strict";
// Hosts one real, unmodified @nmshd/runtime (the version runtime-versions.js selected) with an
// in-memory LokiJS database and one account (Identity with one Device) per `newIdentity`.
//
// How accounts are made (read from node_modules/@nmshd/runtime/dist/Runtime.js and the runtime
// repository's packages/runtime/test/lib/TestRuntime.ts): `Runtime` is abstract; a subclass
// supplies the database and creates an AccountController + ConsumptionController per account,
// then calls the protected `login()`, which returns that account's services. The DI container
// resolves the account's controllers when `login()` builds the services, so services taken
// from earlier logins keep pointing at their own account: one runtime serves many Identities.
// The subclass API is the same in all six versions; what differs is in runtime-versions.js.

const fs = require("node:fs");
const path = require("node:path");
const { LokiJsConnection } = require("@js-soft/docdb-access-loki");
const { consumptionConfig } = require("./runtime-versions");

const STATUS_CHANGED_EVENT = "transport.identityDeletionProcessStatusChanged";

// Loggers write to stderr only: stdout carries the protocol. NMSHD_LOG_LEVEL picks the lowest
// level written (trace, debug, info, warn, error, fatal; default warn).
const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"];
class StderrLoggerFactory {
    constructor(level = "warn") {
        this.minimum = Math.max(0, LEVELS.indexOf(level));
    }

    getLogger(name) {
        const category = typeof name === "function" ? name.name : String(name);
        const logger = {};
        LEVELS.forEach((level, index) => {
            logger[level] = (...messages) => {
                if (index < this.minimum) return;
                const text = messages.map((m) => (m instanceof Error ? m.stack : typeof m === "string" ? m : safeJson(m))).join(" ");
                process.stderr.write(`[${level.toUpperCase()}] ${category} - ${text}\n`);
            };
        });
        return logger;
    }
}

function safeJson(value) {
    try {
        return JSON.stringify(value);
    } catch {
        return String(value);
    }
}

// The host class for the selected version: its own Runtime, and the AccountController and
// ConsumptionController of the @nmshd/transport and @nmshd/consumption it pins (exactly its own
// version), loaded from its directory.
function hostRuntimeClass(selected) {
    const { Runtime } = selected.require("@nmshd/runtime");
    const { AccountController } = selected.require("@nmshd/transport");
    const { ConsumptionController } = selected.require("@nmshd/consumption");
    const consumption = consumptionConfig(selected);

    return class HostRuntime extends Runtime {
        constructor(config, loggerFactory) {
            super(config, loggerFactory);
            this.accounts = new Map(); // address -> {services, deviceId}
            this.accountCounter = 0;
            this.creating = Promise.resolve(); // account creation runs one at a time
        }

        async createDatabaseConnection() {
            // persistenceMethod "memory": nothing touches the disk.
            this.dbConnection = LokiJsConnection.inMemory();
            return this.dbConnection;
        }

        // No account at start-up; createIdentity() makes them on demand.
        async initAccount() {}

        createIdentity() {
            const next = this.creating.then(() => this.createAccount());
            this.creating = next.catch(() => undefined);
            return next;
        }

        async createAccount() {
            const db = await this.dbConnection.getDatabase(`acc-${++this.accountCounter}`);
            // AccountController.init() registers a new Identity and Device at the Backbone when the
            // database has none (transport dist/modules/accounts/AccountController.js, init()).
            const accountController = await new AccountController(this.transport, db, this.transport.config).init();
            const consumptionController = await new ConsumptionController(this.transport, accountController, consumption).init();
            const services = await this.login(accountController, consumptionController);
            const address = accountController.identity.address.toString();
            this.accounts.set(address, { services, deviceId: accountController.activeDevice.id.toString() });
            return address;
        }

        getServices(address) {
            const account = this.accounts.get(String(address));
            if (!account) throw new Error(`unknown Identity '${address}'`);
            return account.services;
        }

        getHealth() {
            return Promise.resolve({ isHealthy: true, services: {} });
        }

        loadModule() {
            throw new Error("no modules are loaded by this adapter");
        }

        async shutdown() {
            try {
                if (this.isStarted) await this.stop();
            } finally {
                await this.dbConnection?.close();
            }
        }
    };
}

// The version of the runtime actually loaded: its package.json, read from its directory.
function runtimeVersion(selected) {
    return JSON.parse(fs.readFileSync(path.join(selected.dir, "package.json"), "utf8")).version;
}

// Starts the `selected` runtime (runtime-versions.js) against `backbone` ({baseUrl, clientId,
// clientSecret}) and collects the status-changed events per Identity. `datawalletEnabled` is the
// transport library's switch (see datawalletMode() in adapter.js for which real product runs with
// which setting).
async function startRuntime(selected, backbone, loggerFactory, { datawalletEnabled }) {
    const HostRuntime = hostRuntimeClass(selected);
    const runtime = new HostRuntime(
        {
            transportLibrary: {
                baseUrl: backbone.baseUrl,
                platformClientId: backbone.clientId,
                platformClientSecret: backbone.clientSecret,
                datawalletEnabled
            },
            modules: {}
        },
        loggerFactory
    );
    await runtime.init();
    await runtime.start();

    // Real events: the runtime's own event bus (the transport event, proxied by the runtime's
    // EventProxy with the DTO as data; EventEmitter2 calls handlers synchronously on publish).
    const events = new Map(); // address -> [{name, data}]
    runtime.eventBus.subscribe(STATUS_CHANGED_EVENT, (event) => {
        // A status-changed event without data comes only from applying another Device's datawallet
        // modifications; this adapter's Identities have one Device each, so none arrives.
        if (!event.data) return;
        const list = events.get(event.eventTargetAddress) ?? [];
        list.push({ name: STATUS_CHANGED_EVENT, data: event.data });
        events.set(event.eventTargetAddress, list);
    });
    runtime.takeEvents = (address) => {
        const list = events.get(address) ?? [];
        events.set(address, []);
        return list;
    };
    return runtime;
}

module.exports = { startRuntime, runtimeVersion, StderrLoggerFactory, STATUS_CHANGED_EVENT };
