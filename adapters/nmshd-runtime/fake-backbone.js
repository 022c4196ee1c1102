"use strict";
// An in-process fake of the enmeshed Backbone (Consumer API v2): only the endpoints the runtime
// 7.0.0 calls to create an Identity, authenticate, run its start-up sync, and work with
// IdentityDeletionProcesses. A plain node `http` server on 127.0.0.1, ephemeral port.
//
// What the runtime sends and expects was read from @nmshd/transport 7.0.0 (node_modules):
// - core/backbone/RESTClient.js `getResult`: a reply `{result: ...}` is a success; a reply
//   `{error: {id, code, message, docs, time}}` becomes a RequestError whose message is
//   "<code> (<status>): '<message>' for <METHOD> <path> at <time> with traceId '<x-trace-id>'";
//   statuses other than <300, 400, 404 and 500 make axios throw.
// - core/backbone/AuthClient.js: POST /connect/token, form-encoded, answer 200
//   `{access_token, expires_in}` (not enveloped).
// - modules/challenges/backbone/ChallengeClient.js, modules/accounts/backbone/IdentityClient.js,
//   modules/sync/backbone/SyncClient.js, modules/accounts/backbone/IdentityDeletionProcessClient.js:
//   the paths below.
//
// The deletion-process rules are ported from nmshd/backbone (cited per rule below):
//   [Identity.cs]  Modules/Devices/src/Devices.Domain/Entities/Identities/Identity.cs
//                  (the version with StartDeletionProcessAsOwner, lines 133-149, and
//                  CancelDeletionProcessAsOwner, lines 283-298; the Backbone later renamed them
//                  StartDeletionProcess/CancelDeletionProcess, commit 6b6f49d19fbbf7f902b14a6e19b0eabd6c7b8ec1)
//   [IDP.cs]       Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionProcess.cs
//                  (commit 1d383d17ada26258c4d002b4c9ee1e9afe9a71af)
//   [Config.cs]    Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionConfiguration.cs
//   [DomainErrors] Modules/Devices/src/Devices.Domain/DomainErrors.cs (the version with
//                  DeletionProcessMustBeInStatus(params ...); line numbers of that version)
//   [DTO]          Modules/Devices/src/Devices.Module/Features/Shared/IdentityDeletionProcessOverviewDTO.cs
//                  (commit 41dc97d59c0ef45c943b3f60871a166009fcc1a4)
//   [Start]        Modules/Devices/src/Devices.Module/Features/Identities/StartDeletionProcess/
//                  Command.cs, Endpoint.cs, Handler.cs (commit 0f85490ce7e8e47e7dccdf2cf0abace44110a796)
//   [Cancel]       Modules/Devices/src/Devices.Module/Features/Identities/CancelDeletionProcess/
//                  Endpoint.cs (commit 0f85490c...), Handler.cs (commit 41dc97d5...)
//   [GetOne]       .../Features/Identities/GetDeletionProcessAsOwner/Handler.cs (commit 0f85490c...)
//   [List]         .../Features/Identities/ListDeletionProcessesAsOwner/Handler.cs (commit 0f85490c...)
//   [NotFound]     BuildingBlocks/src/BuildingBlocks.Application.Abstractions/Exceptions/
//                  NotFoundException.cs, GenericApplicationErrors.cs

const http = require("node:http");
const crypto = require("node:crypto");
const querystring = require("node:querystring");
// The address check in AccountController.createIdentityAndDevice compares the Backbone's address
// with one the runtime derives from the public key; the fake derives it with the same function.
const { IdentityUtil } = require("@nmshd/transport");
const { CryptoSignaturePublicKey } = require("@nmshd/crypto");

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const DAY_MS = 24 * 60 * 60 * 1000;

// [Config.cs] `LengthOfGracePeriodInDays { get; set; } = 14`.
const DEFAULT_GRACE_PERIOD_DAYS = 14;

// [DomainErrors] and [NotFound]: codes and messages, verbatim.
const ERRORS = {
    // DomainErrors.OnlyOneActiveDeletionProcessAllowed(), lines 51-54
    onlyOneActive: ["error.platform.validation.device.onlyOneActiveDeletionProcessAllowed", "Only one active deletion process is allowed."],
    // DomainErrors.GracePeriodHasAlreadyExpired(), lines 69-73
    gracePeriodExpired: [
        "error.platform.validation.device.gracePeriodHasAlreadyExpired",
        "You cannot perform this action, because the grace period of this deletion process has already expired."
    ],
    // DomainErrors.DeletionProcessMustBeInStatus(params DeletionProcessStatus[]), lines 56-61: the status list is
    // the enum name; the Backbone calls the owner-started status `Approved` in the stored source
    // and `Active` after its rename (see `statusName` below).
    notInStatus: (status) => [
        "error.platform.validation.device.deletionProcessIsNotInRequiredStatus",
        `The deletion process must be in status [${status}] for the operation to continue, but it was in another status.`
    ],
    // GenericApplicationErrors.NotFound(recordName), thrown as NotFoundException (HTTP 404).
    notFound: (recordName) => ["error.platform.recordNotFound", `${recordName} not found. Make sure the ID exists and the record is not expired.`],
    unauthorized: [
        "error.platform.unauthorized",
        "You have to authenticate in order to execute this action. Further make sure that the auth token has not expired."
    ]
};

// statusName: the stored [Identity.cs]/[IDP.cs] call the owner-started state `Approved`; the
// Backbone's later sources and its tests call it `Active` (e.g. nmshd/backbone test code asserting
// `DeletionProcessStatus.Active`), and the runtime 7.0.0 knows only "Active" and "Cancelled"
// (@nmshd/transport dist/modules/accounts/data/IdentityDeletionProcessStatus.js). The fake
// answers "Active", the name a v2 client gets.

class BackboneError extends Error {
    constructor(status, [code, message]) {
        super(message);
        this.status = status;
        this.code = code;
    }
}

function randomId(prefix, length = 17) {
    let id = prefix;
    for (let i = 0; i < length; i++) id += ALPHANUMERIC[crypto.randomInt(ALPHANUMERIC.length)];
    return id;
}

// The fake's Identity: its Device, its deletion processes, its clock.
class FakeIdentity {
    constructor(address, device) {
        this.address = address;
        this.devices = [device];
        this.deletionProcesses = []; // in creation order, like Identity._deletionProcesses
        this.datawalletVersion = 0;
        this.frozenAt = undefined; // ms since epoch once the clock was advanced (capability `clock`)
    }

    // One read of this Identity's clock, the fake's SystemTime.UtcNow.
    now() {
        return new Date(this.frozenAt ?? Date.now());
    }

    // `setClock`: the clock stops at exactly this instant (ms since the epoch).
    setClock(epochMs) {
        this.frozenAt = epochMs;
    }

    advanceClock(milliseconds) {
        this.frozenAt = this.now().getTime() + milliseconds;
    }

    ownsDevice(deviceId) {
        return this.devices.some((d) => d.id === deviceId);
    }

    // [Identity.cs] StartDeletionProcessAsOwner(DeviceId asDevice, double? lengthOfGracePeriodInDays)
    startDeletionProcessAsOwner(deviceId, lengthOfGracePeriodInDays) {
        // [Identity.cs] EnsureNoActiveProcessExists(), lines 240-246: `DeletionProcesses.Any(d => d.IsActive())`,
        // else DomainErrors.OnlyOneActiveDeletionProcessAllowed() (a DomainException: HTTP 400).
        // The real Backbone also backs this with an atomic database check ([Start] Handler.cs catches
        // OnlyOneActiveDeletionProcessAllowedException from the repository's Update); here the
        // check and the insert run in one synchronous turn of the event loop, which is as atomic.
        if (this.deletionProcesses.some((p) => p.isActive())) throw new BackboneError(400, ERRORS.onlyOneActive);
        // [Identity.cs] EnsureIdentityOwnsDevice(asDevice): GenericDomainErrors.NotFound(nameof(Device)).
        if (!this.ownsDevice(deviceId)) throw new BackboneError(404, ERRORS.notFound("Device"));

        const process = DeletionProcess.startAsOwner(this, deviceId, lengthOfGracePeriodInDays);
        this.deletionProcesses.push(process);
        return process;
    }

    // [Identity.cs] CancelDeletionProcessAsOwner(IdentityDeletionProcessId, DeviceId cancelledByDeviceId)
    cancelDeletionProcessAsOwner(deletionProcessId, deviceId) {
        // EnsureIdentityOwnsDevice(cancelledByDeviceId)
        if (!this.ownsDevice(deviceId)) throw new BackboneError(404, ERRORS.notFound("Device"));
        // GetDeletionProcessWithId(): GenericDomainErrors.NotFound(nameof(IdentityDeletionProcess))
        const process = this.deletionProcesses.find((p) => p.id === deletionProcessId);
        if (!process) throw new BackboneError(404, ERRORS.notFound("IdentityDeletionProcess"));
        // deletionProcess.EnsureStatus(DeletionProcessStatus.Approved)
        process.ensureStatus("Active");
        process.cancelAsOwner(this, deviceId);
        return process;
    }
}

// [IDP.cs] IdentityDeletionProcess, the owner-started path only (processes started by support
// and the approval states are out of scope: the runtime never sees them).
class DeletionProcess {
    // [IDP.cs] StartAsOwner(createdBy, createdByDeviceId, double? lengthOfGracePeriodInDays) and the
    // private constructor it calls.
    static startAsOwner(identity, deviceId, lengthOfGracePeriodInDays) {
        const p = new DeletionProcess();
        p.id = randomId("IDP"); // IdentityDeletionProcessId.Generate(): "IDP" + 17 characters
        p.createdAt = identity.now(); // `CreatedAt = SystemTime.UtcNow;` (clock read 1)
        p.createdByDevice = deviceId;
        p.approveInternally(identity, deviceId, lengthOfGracePeriodInDays);
        p.cancelledAt = null;
        p.cancelledByDevice = null;
        return p;
    }

    // [IDP.cs] ApproveInternally(address, createdByDevice, double? lengthOfGracePeriodInDays = null), lines 158-164
    approveInternally(identity, deviceId, lengthOfGracePeriodInDays) {
        // `lengthOfGracePeriodInDays ??= IdentityDeletionConfiguration.Instance.LengthOfGracePeriodInDays;`
        // The Backbone takes a double ([Start] Command.cs `double? LengthOfGracePeriodInDays`); the
        // StartDeletionProcess feature has no Validator.cs, so fractions and negative numbers pass.
        const days = lengthOfGracePeriodInDays ?? DEFAULT_GRACE_PERIOD_DAYS;
        this.approvedAt = identity.now(); // `ApprovedAt = SystemTime.UtcNow;` (clock read 2)
        this.approvedByDevice = deviceId;
        // `GracePeriodEndsAt = SystemTime.UtcNow.AddDays(lengthOfGracePeriodInDays.Value);` (clock
        // read 3, separate from CreatedAt's: under a running clock the two may differ by more than
        // N days by a millisecond or so). AddDays on a double: rounded to whole milliseconds here.
        this.gracePeriodEndsAt = new Date(identity.now().getTime() + Math.round(days * DAY_MS));
        // `ChangeStatus(DeletionProcessStatus.Approved, ...)`: see statusName.
        this.status = "Active";
    }

    // [IDP.cs] IsActive(), lines 94-97: `Status is Approved or WaitingForApproval or Deleting`.
    isActive() {
        return this.status === "Active" || this.status === "Deleting";
    }

    // [IDP.cs] EnsureStatus(DeletionProcessStatus): DomainErrors.DeletionProcessMustBeInStatus(...)
    ensureStatus(status) {
        if (this.status !== status) throw new BackboneError(400, ERRORS.notInStatus(status));
    }

    // [IDP.cs] CancelAsOwner(IdentityAddress address, DeviceId cancelledByDevice), lines 184-198
    cancelAsOwner(identity, deviceId) {
        // `if (Status != DeletionProcessStatus.Approved) throw ... DeletionProcessMustBeInStatus(Approved)`
        this.ensureStatus("Active");
        const now = identity.now();
        // `if (GracePeriodEndsAt < SystemTime.UtcNow) throw new DomainException(DomainErrors.GracePeriodHasAlreadyExpired());`
        // Strictly earlier: cancelling at exactly GracePeriodEndsAt is still allowed.
        if (this.gracePeriodEndsAt < now) throw new BackboneError(400, ERRORS.gracePeriodExpired);
        // `ChangeStatus(DeletionProcessStatus.Cancelled, ...); CancelledAt = SystemTime.UtcNow;
        //  CancelledByDevice = cancelledByDevice; GracePeriodEndsAt = null;`
        this.status = "Cancelled";
        this.cancelledAt = identity.now();
        this.cancelledByDevice = deviceId;
        this.gracePeriodEndsAt = null;
    }

    // [DTO] IdentityDeletionProcessOverviewDTO: Id, Status (`process.Status.ToString()`), CreatedAt,
    // CreatedByDevice, the obsolete ApprovedAt (=> CreatedAt) and ApprovedByDevice
    // (=> CreatedByDevice), GracePeriodEndsAt and the three reminder timestamps. It has NO
    // CancelledAt and NO CancelledByDevice, although the domain object records both.
    // Unset values are serialized as null (System.Text.Json's default).
    toOverviewDTO() {
        return {
            id: this.id,
            status: this.status,
            createdAt: this.createdAt.toISOString(),
            createdByDevice: this.createdByDevice,
            approvedAt: this.createdAt.toISOString(),
            approvedByDevice: this.createdByDevice,
            gracePeriodEndsAt: this.gracePeriodEndsAt ? this.gracePeriodEndsAt.toISOString() : null,
            gracePeriodReminder1SentAt: null,
            gracePeriodReminder2SentAt: null,
            gracePeriodReminder3SentAt: null
        };
    }
}
class FakeBackbone {
    constructor({ clientId, clientSecret, hostname = "127.0.0.1", logger }) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.hostname = hostname;
        this.logger = logger;
        this.identities = new Map(); // address -> FakeIdentity
        this.devicesByUsername = new Map(); // username -> {identity, device}
        this.tokens = new Map(); // access token -> {identity, device}
        this.syncRuns = new Map(); // id -> {identity, type}
        this.server = http.createServer((req, res) => this.onRequest(req, res));
        this.sockets = new Set();
        this.server.on("connection", (socket) => {
            this.sockets.add(socket);
            socket.on("close", () => this.sockets.delete(socket));
        });
    }

    async listen() {
        await new Promise((resolve, reject) => {
            this.server.once("error", reject);
            this.server.listen(0, "127.0.0.1", resolve);
        });
        this.baseUrl = `http://127.0.0.1:${this.server.address().port}`;
        return this.baseUrl;
    }

    async close() {
        // keep-alive sockets of the runtime's axios agents would keep close() waiting
        for (const socket of this.sockets) socket.destroy();
        await new Promise((resolve) => this.server.close(() => resolve()));
    }

    identity(address) {
        return this.identities.get(address);
    }

    // --- HTTP plumbing ---------------------------------------------------------------------

    onRequest(req, res) {
        const chunks = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", async () => {
            const raw = Buffer.concat(chunks).toString("utf8");
            let reply;
            try {
                // route() is synchronous (so each rule's check-and-change is atomic), except for
                // Identity creation, which returns `{pending}` (address hashing is async).
                reply = this.route(req, raw);
                if (reply.pending) reply = await reply.pending;
            } catch (e) {
                if (!(e instanceof BackboneError)) {
                    this.logger.error("fake Backbone: internal error", e);
                    e = new BackboneError(500, ["error.platform.unexpected", "An unexpected error occurred."]);
                }
                reply = { status: e.status, body: { error: this.errorBody(e) } };
            }
            this.send(res, reply);
        });
    }

    // The Backbone's HttpResponseEnvelopeError: {error: {id, code, message, docs, time}}.
    errorBody(e) {
        return { id: randomId("ERR"), code: e.code, message: e.message, docs: "", time: new Date().toISOString() };
    }

    send(res, { status, body }) {
        const text = body === undefined ? "" : JSON.stringify(body);
        res.writeHead(status, {
            "content-type": "application/json; charset=utf-8",
            "content-length": Buffer.byteLength(text),
            // read by RESTClient.extractPlatformParameters and shown in wrapped error messages
            "x-trace-id": crypto.randomBytes(16).toString("hex")
        });
        res.end(text);
    }

    parseJson(raw) {
        if (!raw) return {};
        try {
            return JSON.parse(raw);
        } catch {
            throw new BackboneError(400, ["error.platform.validation.invalidRequestBody", "The request body is not valid JSON."]);
        }
    }

    authenticate(req) {
        const header = req.headers.authorization || "";
        const session = this.tokens.get(header.replace(/^Bearer /, ""));
        if (!session) throw new BackboneError(401, ERRORS.unauthorized);
        return session;
    }

    route(req, raw) {
        const path = req.url.split("?")[0];
        const method = req.method;
        let m;

        if (method === "POST" && path === "/api/v2/Challenges") return this.createChallenge();
        if (method === "POST" && path === "/api/v2/Identities") return this.createIdentity(this.parseJson(raw));
        if (method === "POST" && path === "/connect/token") return this.token(querystring.parse(raw));

        const session = this.authenticate(req);
        if (method === "POST" && path === "/api/v2/SyncRuns") return this.startSyncRun(session, this.parseJson(raw));
        if (method === "PUT" && (m = path.match(/^\/api\/v2\/SyncRuns\/([^/]+)\/FinalizeDatawalletVersionUpgrade$/))) {
            return this.finalizeDatawalletVersionUpgrade(session, m[1], this.parseJson(raw));
        }
        if (method === "GET" && path === "/api/v2/Datawallet") return ok(200, { version: session.identity.datawalletVersion });

        const base = "/api/v2/Identities/Self/DeletionProcesses";
        if (path === base && method === "POST") return this.startDeletionProcess(session, this.parseJson(raw));
        if (path === base && method === "GET") return this.listDeletionProcesses(session);
        if (method === "GET" && (m = path.slice(base.length).match(/^\/([^/]+)$/)) && path.startsWith(base)) {
            return this.getDeletionProcess(session, decodeURIComponent(m[1]));
        }
        if (method === "PUT" && (m = path.slice(base.length).match(/^\/([^/]+)\/Cancel$/)) && path.startsWith(base)) {
            return this.cancelDeletionProcess(session, decodeURIComponent(m[1]));
        }

        // An unknown route: an empty 404, which the runtime reports as error.transport.request.notFound.
        this.logger.warn(`fake Backbone: no route for ${method} ${path}`);
        return { status: 404, body: undefined };
    }

    // --- Identities, authentication, sync ---------------------------------------------------

    createChallenge() {
        // ChallengeController.createAccountCreationChallenge reads `id` and `expiresAt`.
        const expiresAt = new Date(Date.now() + 10 * 60 * 1000).toISOString();
        return ok(201, { id: randomId("CHL"), expiresAt, createdBy: null, createdByDevice: null });
    }

    createIdentity(body) {
        // BackbonePostIdentityRequest: identityPublicKey, devicePassword, signedChallenge, clientId,
        // clientSecret, identityVersion. The challenge's signature is not verified.
        if (body.clientId !== this.clientId || body.clientSecret !== this.clientSecret) {
            throw new BackboneError(400, ["error.platform.invalidClient", "The client credentials are invalid."]);
        }
        if (typeof body.identityPublicKey !== "string" || typeof body.devicePassword !== "string") {
            throw new BackboneError(400, ["error.platform.validation.invalidPropertyValue", "A property has an invalid value."]);
        }
        // IdentityUtil.createAddress is async (libsodium hashing): answered as `{pending}`.
        return { pending: this.registerIdentity(body) };
    }

    async registerIdentity(body) {
        const publicKey = CryptoSignaturePublicKey.fromBase64(body.identityPublicKey);
        const address = (await IdentityUtil.createAddress(publicKey, this.hostname)).toString();
        const createdAt = new Date();
        const device = { id: randomId("DVC"), username: randomId("USR"), password: body.devicePassword, createdAt };
        const identity = new FakeIdentity(address, device);
        this.identities.set(address, identity);
        this.devicesByUsername.set(device.username, { identity, device });
        // BackbonePostIdentityResponse: {address, device: {id, username}, createdAt}
        return ok(201, { address, device: { id: device.id, username: device.username, createdAt: createdAt.toISOString() }, createdAt: createdAt.toISOString() });
    }

    token(form) {
        const entry = this.devicesByUsername.get(form.username);
        const validClient = form.client_id === this.clientId && form.client_secret === this.clientSecret;
        if (form.grant_type !== "password" || !validClient || !entry || entry.device.password !== form.password) {
            // OpenIddict answers an OAuth error object, not the Backbone envelope.
            return { status: 400, body: { error: "invalid_grant", error_description: "The username/password couple is invalid." } };
        }
        const accessToken = crypto.randomBytes(32).toString("hex");
        this.tokens.set(accessToken, entry);
        return { status: 200, body: { access_token: accessToken, token_type: "Bearer", expires_in: 3600 } };
    }

    startSyncRun(session, body) {
        // StartSyncRunResponse: {status: "Created" | "NoNewEvents", syncRun: BackboneSyncRun | null}.
        // This fake has no external events, so an ExternalEventSync run never starts; a
        // DatawalletVersionUpgrade run (sent once when an Identity is created,
        // SyncController.setInititalDatawalletVersion) always does.
        if (body.type !== "DatawalletVersionUpgrade") return ok(200, { status: "NoNewEvents", syncRun: null });
        const now = new Date();
        const syncRun = {
            id: randomId("SYR"),
            expiresAt: new Date(now.getTime() + 60 * 1000).toISOString(),
            index: this.syncRuns.size,
            createdAt: now.toISOString(),
            createdBy: session.identity.address,
            createdByDevice: session.device.id,
            eventCount: 0
        };
        this.syncRuns.set(syncRun.id, { identity: session.identity, type: body.type });
        return ok(201, { status: "Created", syncRun });
    }

    finalizeDatawalletVersionUpgrade(session, id, body) {
        const run = this.syncRuns.get(id);
        if (!run || run.identity !== session.identity) throw new BackboneError(404, ERRORS.notFound("SyncRun"));
        this.syncRuns.delete(id);
        if (typeof body.newDatawalletVersion === "number") session.identity.datawalletVersion = body.newDatawalletVersion;
        // FinalizeDatawalletVersionUpgradeResponse: {newDatawalletModificationIndex, datawalletModifications}
        return ok(200, { newDatawalletModificationIndex: -1, datawalletModifications: [] });
    }

    // --- IdentityDeletionProcesses ---------------------------------------------------------

    // [Start] Endpoint.cs: `group.MapPost("", Handle)` → EnvelopeHttpResults.Created (201).
    startDeletionProcess(session, body) {
        const days = body.lengthOfGracePeriodInDays;
        if (days !== undefined && days !== null && typeof days !== "number") {
            throw new BackboneError(400, ["error.platform.validation.invalidPropertyValue", "The value of the property 'lengthOfGracePeriodInDays' is invalid."]);
        }
        const process = session.identity.startDeletionProcessAsOwner(session.device.id, days ?? undefined);
        return ok(201, process.toOverviewDTO());
    }

    // [List] Handler.cs: `identity.DeletionProcesses`, in the order they were added.
    listDeletionProcesses(session) {
        return ok(200, session.identity.deletionProcesses.map((p) => p.toOverviewDTO()));
    }

    // [GetOne] Handler.cs: `identity.DeletionProcesses.FirstOrDefault(p => p.Id == request.Id)
    //   ?? throw new NotFoundException(nameof(IdentityDeletionProcess))`.
    getDeletionProcess(session, id) {
        const process = session.identity.deletionProcesses.find((p) => p.id === id);
        if (!process) throw new BackboneError(404, ERRORS.notFound("IdentityDeletionProcess"));
        return ok(200, process.toOverviewDTO());
    }

    // [Cancel] Endpoint.cs: `group.MapPut("{id}/Cancel", Handle)` → EnvelopeHttpResults.Ok (200).
    cancelDeletionProcess(session, id) {
        const process = session.identity.cancelDeletionProcessAsOwner(id, session.device.id);
        return ok(200, process.toOverviewDTO());
    }
}

function ok(status, result) {
    return { status, body: { result } };
}

module.exports = { FakeBackbone, DEFAULT_GRACE_PERIOD_DAYS };
