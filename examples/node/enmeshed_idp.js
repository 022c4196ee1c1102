#!/usr/bin/env node
// An IdentityDeletionProcess implementation speaking the enmeshed-conformance
// stdio protocol (PROTOCOL.md), written from PROTOCOL.md alone: Node 20, no
// dependencies. It offers the `clock`, `events`, `devices` and `setClock` capabilities.
//
//   enmeshed-conformance run --adapter-cmd "node examples/node/enmeshed_idp.js"
//
// Node handles one request at a time, so `initiate` is an atomic
// check-and-create without a lock.
"use strict";

const readline = require("node:readline");
const crypto = require("node:crypto");

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_GRACE_PERIOD_DAYS = 14;
const ID_PATTERN = /^IDP[A-Za-z0-9]{17}$/;
const STATUS_CHANGED = "transport.identityDeletionProcessStatusChanged";

const ERRORS = {
  alreadyActive: {
    code: "error.runtime.identityDeletionProcess.activeIdentityDeletionProcessAlreadyExists",
    message:
      "There is already an active IdentityDeletionProcess. You cannot start another, as there may only be one active IdentityDeletionProcess per Identity.",
  },
  noActive: {
    code: "error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess",
    message: "No active IdentityDeletionProcess found.",
  },
  expired: {
    code: "error.platform.validation.device.gracePeriodHasAlreadyExpired",
    message:
      "You cannot perform this action, because the grace period of this deletion process has already expired.",
  },
  notFound: {
    code: "error.runtime.recordNotFound",
    message: "IdentityDeletionProcess not found. Make sure the ID exists and the record is not expired.",
  },
  invalidId: {
    code: "error.runtime.validation.invalidPropertyValue",
    message: "The id must be 'IDP' followed by 17 letters or digits.",
  },
};

/** A refused call: answered with `error`. */
class DomainError extends Error {
  constructor(kind) {
    super(kind.message);
    this.kind = kind;
  }
}

/** A request that cannot be done at all: answered with `errored`. */
class Declined extends Error {}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomId(prefix) {
  const bytes = crypto.randomBytes(17);
  let id = prefix;
  for (const b of bytes) id += ALPHANUMERIC[b % ALPHANUMERIC.length];
  return id;
}

/** Every Identity: its Device, its clock (null: real time), processes, events. */
const identities = new Map();

function identityOf(request) {
  const identity = identities.get(request.identity);
  if (!identity) throw new Declined(`unknown identity ${JSON.stringify(request.identity)}`);
  return identity;
}

function now(identity) {
  return identity.clock === null ? Date.now() : identity.clock;
}

/** The DTO: unset optional fields are absent, never null. */
function dto(process) {
  const out = {
    id: process.id,
    status: process.status,
    createdAt: new Date(process.createdAt).toISOString(),
    createdByDevice: process.createdByDevice,
  };
  if (process.gracePeriodEndsAt !== undefined) {
    out.gracePeriodEndsAt = new Date(process.gracePeriodEndsAt).toISOString();
  }
  if (process.cancelledAt !== undefined) out.cancelledAt = new Date(process.cancelledAt).toISOString();
  if (process.cancelledByDevice !== undefined) out.cancelledByDevice = process.cancelledByDevice;
  return out;
}

/** The Device a call names (capability `devices`); the first one when absent. */
function actingDevice(identity, request) {
  const device = request.device ?? identity.device;
  if (!identity.devices.includes(device)) throw new Declined(`unknown device ${JSON.stringify(device)}`);
  return device;
}

function active(identity) {
  return identity.processes.find((p) => p.status === "Active");
}

function publish(identity, process) {
  identity.events.push({ name: STATUS_CHANGED, data: dto(process) });
}

const handlers = {
  start() {
    return { name: "enmeshed-conformance Node example", version: "1.0.0", protocolVersion: 1, capabilities: ["clock", "events", "devices", "setClock"] };
  },
  newIdentity() {
    const handle = randomId("id");
    const device = randomId("DVC");
    identities.set(handle, { device, devices: [device], clock: null, processes: [], events: [] });
    return { identity: handle };
  },
  initiate(request) {
    const identity = identityOf(request);
    const days = request.lengthOfGracePeriodInDays ?? DEFAULT_GRACE_PERIOD_DAYS;
    if (!Number.isInteger(days) || days < 0) {
      throw new Declined(`lengthOfGracePeriodInDays must be a whole number >= 0, got ${JSON.stringify(days)}`);
    }
    if (active(identity)) throw new DomainError(ERRORS.alreadyActive);
    const createdAt = now(identity);
    const process = {
      id: randomId("IDP"),
      status: "Active",
      createdAt,
      createdByDevice: actingDevice(identity, request),
      gracePeriodEndsAt: createdAt + days * DAY_MS,
    };
    identity.processes.push(process);
    publish(identity, process);
    return dto(process);
  },
  cancel(request) {
    const identity = identityOf(request);
    const device = actingDevice(identity, request);
    const process = active(identity);
    if (!process) throw new DomainError(ERRORS.noActive);
    const at = now(identity);
    if (at > process.gracePeriodEndsAt) throw new DomainError(ERRORS.expired);
    process.status = "Cancelled";
    process.cancelledAt = at;
    process.cancelledByDevice = device;
    delete process.gracePeriodEndsAt;
    publish(identity, process);
    return dto(process);
  },
  get(request) {
    const identity = identityOf(request);
    if (typeof request.id !== "string" || !ID_PATTERN.test(request.id)) {
      throw new DomainError(ERRORS.invalidId);
    }
    const process = identity.processes.find((p) => p.id === request.id);
    if (!process) throw new DomainError(ERRORS.notFound);
    return dto(process);
  },
  getActive(request) {
    const process = active(identityOf(request));
    if (!process) throw new DomainError(ERRORS.noActive);
    return dto(process);
  },
  getAll(request) {
    return identityOf(request).processes.map(dto);
  },
  setClock(request) {
    const identity = identityOf(request);
    const at = Date.parse(request.instant);
    if (typeof request.instant !== "string" || !request.instant.endsWith("Z") || Number.isNaN(at)) {
      throw new Declined(`instant must be an RFC 3339 UTC date-time ending in Z, got ${JSON.stringify(request.instant)}`);
    }
    identity.clock = at;
    return {};
  },
  newDevice(request) {
    const identity = identityOf(request);
    const device = randomId("DVC");
    identity.devices.push(device);
    return { device };
  },
  advanceClock(request) {
    const identity = identityOf(request);
    const ms = request.milliseconds;
    if (!Number.isInteger(ms) || ms < 0) throw new Declined(`milliseconds must be a whole number >= 0`);
    identity.clock = now(identity) + ms;
    return {};
  },
  takeEvents(request) {
    const identity = identityOf(request);
    const events = identity.events;
    identity.events = [];
    return events;
  },
  stop() {
    return {};
  },
};

function reply(message) {
  process.stdout.write(JSON.stringify(message) + "\n");
}

function handle(line) {
  let request;
  try {
    request = JSON.parse(line);
  } catch (e) {
    process.stderr.write(`not JSON: ${line.slice(0, 200)}\n`);
    return;
  }
  const seq = request.seq;
  const handler = Object.hasOwn(handlers, request.kind) ? handlers[request.kind] : undefined;
  if (!handler) {
    reply({ seq, errored: { message: `unknown request kind ${JSON.stringify(request.kind)}` } });
    return;
  }
  try {
    reply({ seq, result: handler(request) });
  } catch (e) {
    if (e instanceof DomainError) reply({ seq, error: { code: e.kind.code, message: e.kind.message } });
    else reply({ seq, errored: { message: String(e && e.message ? e.message : e) } });
  }
  if (request.kind === "stop") process.exit(0);
}

readline
  .createInterface({ input: process.stdin, crlfDelay: Infinity })
  .on("line", (line) => {
    if (line.trim() !== "") handle(line);
  })
  .on("close", () => process.exit(0));
