"use strict";
// An in-process fake of the enmeshed Backbone: only the endpoints the runtime calls to create an
// Identity, authenticate, run its start-up sync, push and pull its datawallet, and work with
// IdentityDeletionProcesses. A plain node `http` server on 127.0.0.1, ephemeral port.
//
// It has three rule sets (MODES below; versions.json's `backbone` picks one per runtime version):
// `v2`, the Consumer API v2 that @nmshd/runtime 7.0.0 calls (the sources just below), and two of
// the Consumer API v1 (/api/v1) that 5.3.0 to 6.60.5 call, as the Backbone was when those runtimes
// were released: `v1-2025` (6.28.0 to 6.60.5) and `v1-2024` (5.3.0); their sources are listed
// after v2's. Where v1 and v2 agree the code is shared; where they differ, MODES says so.
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
// The deletion-process rules are ported from nmshd/backbone, Consumer API v2 (the
// `Modules/Devices/src/Devices.Module` feature slices with minimal-API endpoints). Every rule
// below cites its source as [tag] file:line; adapters/nmshd-runtime/README.md has the same
// rules as a table, each marked faithful or deliberately different. Line numbers are those of
// the stored version named here (read with the search tool; the index holds one version per
// commit, not always the newest of every file):
//   [IDP]        Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionProcess.cs
//                (commit 011276a36f7b50a68199202baa6bd1cef7fe3c03: status `Active`, no `Approved`)
//   [Errors]     Modules/Devices/src/Devices.Domain/DomainErrors.cs (commit 011276a3..., the same)
//   [Identity]   Modules/Devices/src/Devices.Domain/Entities/Identities/Identity.cs (commit
//                6b6f49d19fbbf7f902b14a6e19b0eabd6c7b8ec1, the newest stored; its methods are the
//                v2 names StartDeletionProcess/CancelDeletionProcess, but its status enum still
//                says `Approved` where [IDP] of 011276a3 says `Active`: the fake follows [IDP])
//   [Config]     Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionConfiguration.cs
//                (commit 0117ddba65a3d1aa98928e855b3bc18861f4eee8)
//   [StartCmd]   Modules/Devices/src/Devices.Module/Features/Identities/StartDeletionProcess/Command.cs,
//   [StartEp]    .../StartDeletionProcess/Endpoint.cs, [StartH] .../StartDeletionProcess/Handler.cs
//                (all commit 0f85490ce7e8e47e7dccdf2cf0abace44110a796; the feature has no Validator.cs)
//   [CancelEp]   .../Features/Identities/CancelDeletionProcess/Endpoint.cs (commit 0f85490c...)
//   [CancelH]    .../Features/Identities/CancelDeletionProcess/Handler.cs (commit 41dc97d59c0ef45c943b3f60871a166009fcc1a4)
//   [GetH]       .../Features/Identities/GetDeletionProcessAsOwner/Handler.cs (commit 0f85490c...)
//   [ListH]      .../Features/Identities/ListDeletionProcessesAsOwner/Handler.cs (commit 0f85490c...)
//   [DTO]        .../Features/Shared/IdentityDeletionProcessOverviewDTO.cs (commit 41dc97d5...)
//   [Repo]       Modules/Devices/src/Devices.Infrastructure/Persistence/Repository/IdentitiesRepository.cs,
//                `Update(Identity, CancellationToken)`: `_identities.Update(identity)`, then
//                `SaveChangesAsync`; a DbUpdateException on the unique index
//                `IX_only_one_active_deletion_process` becomes OnlyOneActiveDeletionProcessAllowedException
//   [EfConfig]   Modules/Devices/src/Devices.Infrastructure/Persistence/Database/EntityConfigurations/
//                IdentityDeletionProcessEntityTypeConfiguration.cs and IdentityEntityTypeConfiguration.cs
//                (commit 011276a3...): no concurrency token (no IsConcurrencyToken/IsRowVersion)
//   [GenDomain]  BuildingBlocks/src/BuildingBlocks.Domain/Errors/GenericDomainErrors.cs (commit 5bf1ab03f002e9e858afdbdede8b41a86b9f378f)
//   [GenApp]     BuildingBlocks/src/BuildingBlocks.Application.Abstractions/Exceptions/GenericApplicationErrors.cs
//                (commit 3d91752f0ede62c6e096291cb535fbcfa6eeef30) and NotFoundException.cs
//   [HttpErr]    BuildingBlocks/src/BuildingBlocks.API/HttpExceptionResponseFactory.cs (commit 3a310c2ee3d60c23265f7d803a64da2725524798)
//
// The Consumer API v1 rules (modes v1-2025 and v1-2024) are ported from nmshd/backbone at the
// commit on main when each runtime version was tagged (nmshd/runtime tag dates; read with
// `git show <commit>:<path>`): v1-2025 at df9de2ed1 (2025-07-07, for 6.60.5; fab3aea34, e5f9528d9
// and b618d60c5, for 6.28.0, 6.30.0 and 6.34.2, have the same deletion-process code), v1-2024 at
// 707babfbc (2024-08-27, for 5.3.0). Paths under Modules/Devices/src/ unless they start otherwise:
//   [v1 IDP]      Devices.Domain/Entities/Identities/IdentityDeletionProcess.cs
//   [v1 Identity] Devices.Domain/Entities/Identities/Identity.cs
//   [v1 Errors]   Devices.Domain/DomainErrors.cs
//   [v1 Config]   Devices.Domain/Entities/Identities/IdentityDeletionConfiguration.cs
//   [v1 DTO]      Devices.Application/DTOs/IdentityDeletionProcessOverviewDTO.cs
//   [v1 StartH], [v1 StartCmd]  Devices.Application/Identities/Commands/StartDeletionProcessAsOwner/
//                 Handler.cs, StartDeletionProcessAsOwnerCommand.cs
//   [v1 CancelH]  Devices.Application/Identities/Commands/CancelDeletionProcessAsOwner/Handler.cs
//   [v1 GetH]     Devices.Application/Identities/Queries/GetDeletionProcessAsOwner/Handler.cs
//   [v1 EfCfg]    Devices.Infrastructure/Persistence/Database/EntityConfigurations/
//                 IdentityDeletionProcessEntityTypeConfiguration.cs
//   [v1 Repo]     Devices.Infrastructure/Persistence/Repository/IdentitiesRepository.cs
//   [v1 Ctl]      the MVC controller IdentitiesController.cs (Devices.ConsumerApi/Controllers/ until
//                 de38f5adf, then Applications/ConsumerApi/src/Controllers/Devices/)
//   [v1 Mvc]      Applications/ConsumerApi/src/Extensions/IServiceCollectionExtensions.cs
//   [v1 UtcConv]  BuildingBlocks/src/BuildingBlocks.API/Mvc/JsonConverters/UtcDateTimeConverter.cs
// A line cited as "2025 N, 2024 M" is line N at df9de2ed1 and line M at 707babfbc.

const http = require("node:http");
const crypto = require("node:crypto");
const querystring = require("node:querystring");

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// --- Time as the Backbone keeps it -------------------------------------------------------------
// The Backbone's clock is `SystemTime.UtcNow`, a .NET DateTime: ticks of 100 ns. The fake keeps
// time as BigInt ticks since the Unix epoch, so comparisons such as `GracePeriodEndsAt <
// SystemTime.UtcNow` ([IDP] line 117) happen at the Backbone's precision, not in milliseconds.
const TICKS_PER_MS = 10000n;
const TICKS_PER_DAY = 864000000000n;
// DateTime.MaxValue (9999-12-31T23:59:59.9999999Z) in ticks since the Unix epoch.
const MAX_DATETIME_TICKS = 2534023007999999999n;
// The running clock: the wall clock's milliseconds (so a reading truncated to milliseconds, as
// the runtime stores it, is the wall-clock millisecond of the call) with sub-millisecond digits
// from the high-resolution clock, as DateTime.UtcNow has them; never earlier than the previous
// reading.
let lastRunningTicks = 0n;
function runningTicks() {
    const candidate = BigInt(Date.now()) * TICKS_PER_MS + (process.hrtime.bigint() % 1000000n) / 100n;
    lastRunningTicks = candidate > lastRunningTicks ? candidate : lastRunningTicks;
    return lastRunningTicks;
}

// How System.Text.Json writes a UTC DateTime (the Backbone's default serializer): up to seven
// fractional digits with trailing zeros trimmed, none at all when the fraction is zero, then `Z`
// (dotnet/docs docs/standard/datetime/system-text-json-support.md, formats with `FFFFFFF`).
function formatTicks(ticks) {
    const ms = ticks / TICKS_PER_MS;
    const iso = new Date(Number(ms)).toISOString(); // 2026-01-02T03:04:05.678Z
    const fraction = ((ticks % (1000n * TICKS_PER_MS)) + 1000n * TICKS_PER_MS) % (1000n * TICKS_PER_MS);
    const digits = fraction.toString().padStart(7, "0").replace(/0+$/, "");
    return iso.slice(0, 19) + (digits ? `.${digits}` : "") + "Z";
}

// How the v1 Backbone's MVC controllers write a DateTime: [v1 UtcConv] line 8, format
// `yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffZ`: always exactly three fractional digits (truncated, as
// `fff` does), then `Z`.
function formatTicksAsMilliseconds(ticks) {
    const ms = ticks / TICKS_PER_MS - (ticks % TICKS_PER_MS < 0n ? 1n : 0n);
    return new Date(Number(ms)).toISOString();
}

// .NET's DateTime.AddDays(double) (since .NET 7: whole days exactly, the fraction truncated to
// ticks); past DateTime.MaxValue it throws ArgumentOutOfRangeException, which the Backbone answers
// as an unexpected error ([HttpErr] line 26).
function addDays(ticks, days) {
    const whole = Math.trunc(days);
    const result = ticks + BigInt(whole) * TICKS_PER_DAY + BigInt(Math.trunc((days - whole) * Number(TICKS_PER_DAY)));
    if (result > MAX_DATETIME_TICKS || result < -621355968000000000n) throw new BackboneError(500, ERRORS.unexpected);
    return result;
}

// [Config] line 8: `LengthOfGracePeriodInDays { get; set; } = 14`; the same 14 in v1
// ([v1 Config] 2025 line 8, a `double`; 2024 line 6, `static int LengthOfGracePeriod = 14`).
const DEFAULT_GRACE_PERIOD_DAYS = 14;
// v1 only: an owner-started process still reports an approval period, `CreatedAt.AddDays(7)`
// ([v1 IDP] 2025 line 52, [v1 Config] 2025 line 7 `LengthOfApprovalPeriodInDays = 7`; 2024 [v1 IDP]
// line 46, [v1 Config] line 5).
const APPROVAL_PERIOD_DAYS = 7;

// The statuses a v2 Backbone writes ([DTO] line 10: `process.Status.ToString()`; [IDP] lines 33,
// 120; `Deleting` is set only by the deletion job, which the fake does not run). v1 names the
// running state `Approved` (MODES below).
const ACTIVE = "Active";
const CANCELLED = "Cancelled";

// Codes and messages, verbatim from the cited sources.
const ERRORS = {
    // [Errors] lines 51-54
    onlyOneActive: ["error.platform.validation.device.onlyOneActiveDeletionProcessAllowed", "Only one active deletion process is allowed."],
    // [Errors] lines 68-72
    gracePeriodExpired: [
        "error.platform.validation.device.gracePeriodHasAlreadyExpired",
        "You cannot perform this action, because the grace period of this deletion process has already expired."
    ],
    // [Errors] lines 56-60: `'{deletionProcessStatus}'`, the enum name in single quotes.
    notInStatus: (status) => [
        "error.platform.validation.device.deletionProcessIsNotInRequiredStatus",
        `The deletion process must be in status '${status}' for the operation to continue, but it was in another status.`
    ],
    // [GenDomain] line 7: a DomainException's not-found (HTTP 404 by [HttpErr] line 62).
    domainNotFound: (recordName) => ["error.platform.recordNotFound", `${recordName} not found`],
    // [GenApp] lines 5-11: an application NotFoundException's not-found (HTTP 404 by [HttpErr] line 54).
    applicationNotFound: (recordName) => [
        "error.platform.recordNotFound",
        `${recordName} not found. Make sure the ID exists and the record is not expired. If a password is required to fetch the record, make sure you passed the correct one.`
    ],
    // [GenApp] lines 13-17
    unauthorized: [
        "error.platform.unauthorized",
        "You have to authenticate in order to execute this action. Further make sure that the auth token has not expired."
    ],
    // [HttpErr] line 25: every BadHttpRequestException (minimal APIs throw it for a body that does
    // not bind, RouteHandlerOptions.ThrowOnBadRequest) is answered with this code and text.
    badRequestBody: ["error.platform.requestBodyTooLarge", "The request body is too large."],
    // v1: a body that does not bind is refused by MVC's InvalidModelStateResponseFactory ([v1 Mvc]
    // lines 36-55; GenericApplicationErrors.cs lines 51-54) with `'<model-state key>': <reason>`.
    // The code is the source's; the reason (System.Text.Json's binder text) is not reproduced.
    inputCannotBeParsed: (key) => ["error.platform.inputCannotBeParsed", `'${key}': The value is not valid. (fake Backbone)`],
    // [HttpErr] lines 17, 32 (production environment)
    unexpected: ["error.platform.unexpected", "An unexpected error occurred."]
};

// --- The rule sets: where the Consumer API v1 Backbone differs from v2 --------------------------
// Everything not named here is shared: the tracked load, the await, the save (last writer wins,
// no concurrency token in any of them: [EfConfig]; v1 [v1 CancelH] lines 27, 37, 39 and the model
// snapshot), the unknown-process answers ([v1 Identity] 2025 lines 317-320, [v1 GetH] line 24),
// the strict grace-period comparison, the error envelope and every code and text but the status
// name in deletionProcessIsNotInRequiredStatus ([v1 Errors] 2025 lines 50-59, 67-71).
const MODES = {
    v2: {
        prefix: "/api/v2",
        active: ACTIVE, // [IDP] line 33
        // EnsureNoActiveProcessExists counts these ([IDP] lines 68-71)
        blocksStart: [ACTIVE, "Deleting"],
        // IX_only_one_active_deletion_process ([Repo]): concurrent starts, one wins
        uniqueIndex: true,
        // `double? LengthOfGracePeriodInDays` ([StartCmd] line 8)
        takesGracePeriod: true,
        // [IDP] lines 117-118
        cancelChecksGracePeriod: true,
        // [IDP] line 122, `GracePeriodEndsAt = null`
        cancelClearsGracePeriodEnd: true,
        // the owner-started process is approved by the same call, with its own clock read
        approves: false,
        dto: "v2", // [DTO] lines 7-38
        formatTime: formatTicks,
        badRequestBody: () => ERRORS.badRequestBody
    },
    "v1-2025": {
        prefix: "/api/v1", // [v1 Ctl] `[Route("api/v1/[controller]")]`; transport 6.x IdentityDeletionProcessClient.js
        active: "Approved", // [v1 IDP] 2025 line 159 (ApproveInternally); enum [v1 Identity] 2025 lines 362-369 (Approved = 1)
        blocksStart: ["Approved", "WaitingForApproval", "Deleting"], // [v1 IDP] 2025 lines 89-92, IsActive()
        uniqueIndex: true, // [v1 EfCfg] 2025 line 23 (filter `"Status" = 1`, Approved); [v1 Repo] 2025 lines 157-170
        takesGracePeriod: true, // [v1 StartCmd] 2025 line 7, no Validator.cs
        cancelChecksGracePeriod: true, // [v1 IDP] 2025 lines 184-185 (CancelAsOwner, lines 179-192)
        cancelClearsGracePeriodEnd: false, // [v1 IDP] 2025 lines 187-189 set status, time, Device; GracePeriodEndsAt stays
        approves: true, // [v1 IDP] 2025 lines 34-43, 153-160
        dto: "v1", // [v1 DTO] 2025 lines 7-44
        formatTime: formatTicksAsMilliseconds, // [v1 UtcConv] line 8
        badRequestBody: (key) => ERRORS.inputCannotBeParsed(key) // [v1 Mvc] lines 36-55
    },
    "v1-2024": {
        prefix: "/api/v1",
        active: "Approved", // [v1 IDP] 2024 lines 71-77
        blocksStart: ["Approved", "WaitingForApproval", "Deleting"], // [v1 IDP] 2024 lines 89-92
        // No unique index before nmshd/backbone 92c2bc4fe (2024-09-10): [v1 EfCfg] 2024 lines 9-26
        // have no filtered index, [v1 StartH] 2024 lines 26, 28, 30 no try/catch, [v1 Repo] 2024 lines 106-110. Concurrent starts
        // that each load the Identity without an active process all succeed.
        uniqueIndex: false,
        // [v1 StartCmd] 2024 line 5: an empty command; a sent lengthOfGracePeriodInDays is ignored
        // (2024's [v1 Ctl] lines 68-75 take no body at all), the grace period is always 14 days
        // ([v1 IDP] 2024 line 75, [v1 Config] 2024 line 6).
        takesGracePeriod: false,
        // [v1 IDP] 2024 lines 170-180: no grace-period check before nmshd/backbone b1d06b740 (2024-12-16)
        cancelChecksGracePeriod: false,
        cancelClearsGracePeriodEnd: false, // [v1 IDP] 2024 lines 175-177
        approves: true, // [v1 IDP] 2024 lines 34, 71-77
        dto: "v1", // [v1 DTO]: byte-identical at 707babfbc
        formatTime: formatTicksAsMilliseconds,
        badRequestBody: (key) => ERRORS.inputCannotBeParsed(key)
    }
};

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

// The time between a handler's tracked load and its SaveChanges: the Backbone awaits the database
// between the two ([CancelH] lines 27 and 39, [StartH] lines 28 and 34). The real gap is a few
// database round trips; the fake waits this long so that calls arriving together interleave as
// they would on the real Backbone.
//
// The gap is paid in full only by a call that another request of the same Identity overlaps. Why
// that changes nothing observable: the gap's length can be seen only by another deletion-process
// call of the same Identity landing between the load and the save (each Identity's rows are its
// own, and only the runtime's requests reach the fake). The constructor's option
// `requests(address)` gives the adapter's count of that Identity's requests in flight (from the
// arrival of the suite's request line to its reply) and of those that have arrived so far:
// - another request in flight (sent by the suite, whether or not the runtime has passed it to the
//   fake yet): the full LOAD_TO_SAVE_MS, so the second call still loads before the first saves;
// - none: the call waits ALONE_WAIT_MS, and if a request of the Identity arrives meanwhile (calls
//   the suite sends together may reach the adapter a little apart), the rest of LOAD_TO_SAVE_MS;
//   otherwise it saves at once, as if the round trips had taken ALONE_WAIT_MS.
// Without the option (the fake used on its own) every call waits the full gap.
const LOAD_TO_SAVE_MS = 5;
const ALONE_WAIT_MS = 1;
function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
async function databaseRoundTrip(backbone, identity) {
    const before = backbone.requests(identity.address);
    if (before.inFlight > 1) return sleep(LOAD_TO_SAVE_MS);
    await sleep(ALONE_WAIT_MS);
    if (backbone.requests(identity.address).arrived !== before.arrived) await sleep(LOAD_TO_SAVE_MS - ALONE_WAIT_MS);
}

// The fake's Identity: the committed rows of its deletion processes (what the database holds),
// its Devices, its clock.
class FakeIdentity {
    constructor(address, device, mode) {
        this.address = address;
        this.mode = mode;
        this.devices = [device];
        this.rows = []; // committed IdentityDeletionProcesses rows, in insertion order
        this.datawalletVersion = 0;
        this.datawalletModifications = [];
        this.frozenTicks = undefined; // set once the clock is stopped (capability `clock`)
    }

    // One read of `SystemTime.UtcNow`. Deliberately different: the Backbone has one clock; the
    // fake keeps one per Identity so that scenarios running side by side move their own.
    now() {
        return this.frozenTicks ?? runningTicks();
    }

    // `setClock`: the clock stops at exactly this instant (ms since the epoch).
    setClock(epochMs) {
        this.frozenTicks = BigInt(epochMs) * TICKS_PER_MS;
    }

    advanceClock(milliseconds) {
        this.frozenTicks = this.now() + BigInt(milliseconds) * TICKS_PER_MS;
    }

    // `_identitiesRepository.Get(address, ct, track: true)` ([CancelH] line 27, [StartH] line 28):
    // the Identity with its deletion processes as they are committed now, as an entity graph the
    // handler then changes in memory.
    loadTracked() {
        return new TrackedIdentity(this, this.rows.map((row) => DeletionProcess.fromRow(row, this.mode)));
    }

    // The untracked reads ([GetH] line 23, [ListH] line 22).
    load() {
        return this.rows.map((row) => DeletionProcess.fromRow(row, this.mode));
    }

    // [Repo] Update(identity): `_identities.Update(identity)` marks the whole graph as modified and
    // SaveChangesAsync writes every loaded process back in one transaction (a synchronous turn
    // here): last writer wins, because [EfConfig] gives no concurrency token. The unique index
    // IX_only_one_active_deletion_process allows one `Active` row per Identity; a write that would
    // make a second one fails as a whole. v1-2024 has no such index (MODES).
    save(tracked) {
        const next = this.rows.map((row) => ({ ...row }));
        for (const process of tracked.processes) {
            const row = process.toRow();
            const at = next.findIndex((r) => r.id === row.id);
            if (at >= 0) next[at] = row;
            else next.push(row);
        }
        if (this.mode.uniqueIndex && next.filter((r) => r.status === this.mode.active).length > 1) throw new UniqueIndexViolation();
        this.rows = next;
    }
}

class UniqueIndexViolation extends Error {}

// The Identity aggregate as a handler holds it between load and save.
class TrackedIdentity {
    constructor(identity, processes) {
        this.identity = identity;
        this.processes = processes;
    }

    ownsDevice(deviceId) {
        return this.identity.devices.some((d) => d.id === deviceId);
    }

    // [Identity] lines 124-140, StartDeletionProcess(DeviceId asDevice, double? lengthOfGracePeriodInDays);
    // v1: [v1 Identity] 2025 lines 135-151 (2024 lines 105-121), StartDeletionProcessAsOwner, same order.
    startDeletionProcess(deviceId, lengthOfGracePeriodInDays) {
        // [Identity] lines 160-166, EnsureNoActiveProcessExists: `DeletionProcesses.Any(d => d.IsActive())`
        // (in [IDP] of 011276a3: IsAtLeastActive, lines 68-71: Active or Deleting; v1 [v1 Identity]
        // 2025 lines 137, 242-248, 2024 lines 107, 212-218, with the v1 statuses: MODES `blocksStart`).
        const mode = this.identity.mode;
        if (this.processes.some((p) => mode.blocksStart.includes(p.status))) throw new BackboneError(400, ERRORS.onlyOneActive);
        // [Identity] lines 168-172, EnsureIdentityOwnsDevice: GenericDomainErrors.NotFound(nameof(Device))
        // ([v1 Identity] 2025 lines 138, 250-254).
        // Never reached through the runtime: it always acts with its own Device.
        if (!this.ownsDevice(deviceId)) throw new BackboneError(404, ERRORS.domainNotFound("Device"));
        const process = DeletionProcess.start(this.identity, deviceId, lengthOfGracePeriodInDays);
        this.processes.push(process); // [Identity] line 132
        return process;
    }

    // [Identity] lines 203-219, CancelDeletionProcess(IdentityDeletionProcessId, DeviceId cancelledByDeviceId);
    // v1: [v1 Identity] 2025 lines 285-300, CancelDeletionProcessAsOwner, same steps (lines 289, 290).
    cancelDeletionProcess(deletionProcessId, deviceId) {
        // line 205, EnsureIdentityOwnsDevice (never reached through the runtime, see above)
        if (!this.ownsDevice(deviceId)) throw new BackboneError(404, ERRORS.domainNotFound("Device"));
        // line 207 and lines 228-231, GetDeletionProcessWithId: GenericDomainErrors.NotFound(nameof(IdentityDeletionProcess))
        const process = this.processes.find((p) => p.id === deletionProcessId);
        if (!process) throw new BackboneError(404, ERRORS.domainNotFound("IdentityDeletionProcess"));
        // line 208, EnsureStatus (the stored Identity.cs passes `Approved`, the v2 name is `Active`),
        // then line 210, IdentityDeletionProcess.Cancel, which checks the status again (v1: EnsureStatus(Approved),
        // [v1 IDP] 2025 lines 173-177, then CancelAsOwner, lines 181-182).
        process.ensureStatus(this.identity.mode.active);
        process.cancel(this.identity, deviceId);
        return process;
    }
}

// [IDP] IdentityDeletionProcess, as v2 has it (owner-started only), and [v1 IDP] as v1 has it
// where MODES says they differ. `mode` is not part of the row.
class DeletionProcess {
    static fromRow(row, mode) {
        return Object.assign(new DeletionProcess(mode), row);
    }

    constructor(mode) {
        Object.defineProperty(this, "mode", { value: mode, enumerable: false });
    }

    toRow() {
        return { ...this };
    }

    // [IDP] lines 63-66, Start, and the constructor it calls, lines 24-36.
    static start(identity, deviceId, lengthOfGracePeriodInDays) {
        const mode = identity.mode;
        const p = new DeletionProcess(mode);
        p.id = randomId("IDP"); // line 26, IdentityDeletionProcessId.Generate(): "IDP" + 17 characters
        p.createdAt = identity.now(); // line 28, `CreatedAt = SystemTime.UtcNow;` (clock read 1)
        // line 30, `lengthOfGracePeriodInDays ??= IdentityDeletionConfiguration.Instance.LengthOfGracePeriodInDays;`
        // A double ([StartCmd] line 8), not validated: the StartDeletionProcess feature has no Validator.cs.
        // v1-2025 the same ([v1 IDP] 2025 line 155); v1-2024 always 14 (MODES `takesGracePeriod`).
        const days = (mode.takesGracePeriod ? lengthOfGracePeriodInDays : undefined) ?? DEFAULT_GRACE_PERIOD_DAYS;
        if (mode.approves) {
            // v1: [v1 IDP] 2025 lines 34-43 (CreatedAt, line 38), then ApproveInternally, lines 153-160
            // (2024: lines 34, 71-77): `ApprovedAt = SystemTime.UtcNow` (clock read 2, line 156),
            // `ApprovedByDevice = createdByDevice` (line 157), `GracePeriodEndsAt =
            // SystemTime.UtcNow.AddDays(days)` (read 3, line 158), status Approved (line 159). v1's
            // DTO has no CreatedByDevice.
            p.approvedAt = identity.now();
            p.approvedByDevice = deviceId;
            p.gracePeriodEndsAt = addDays(identity.now(), days);
            p.status = mode.active;
            p.cancelledAt = null;
            p.cancelledByDevice = null; // [v1 IDP] 2025 lines 187-189 set it on cancel; not in the DTO
            return p;
        }
        p.createdByDevice = deviceId; // line 31
        // line 32, `GracePeriodEndsAt = SystemTime.UtcNow.AddDays(...)`: a second clock read, so
        // under a running clock it may lie a little more than N days after CreatedAt.
        p.gracePeriodEndsAt = addDays(identity.now(), days);
        p.status = ACTIVE; // line 33, ChangeStatus(DeletionProcessStatus.Active, ...)
        p.cancelledAt = null; // line 47, `DateTime? CancelledAt`
        p.gracePeriodReminder1SentAt = null; // lines 52-54: the reminders are sent by a job the fake does not run
        p.gracePeriodReminder2SentAt = null;
        p.gracePeriodReminder3SentAt = null;
        return p;
    }

    // [IDP] lines 106-110, EnsureStatus: DomainErrors.DeletionProcessMustBeInStatus(status)
    ensureStatus(status) {
        if (this.status !== status) throw new BackboneError(400, ERRORS.notInStatus(status));
    }

    // [IDP] lines 112-125, Cancel(IdentityAddress address, DeviceId cancelledByDevice); v1 [v1 IDP]
    // 2025 lines 179-192, 2024 lines 170-180, CancelAsOwner.
    cancel(identity, deviceId) {
        const mode = this.mode;
        this.ensureStatus(mode.active); // lines 114-115
        // lines 117-118, `if (GracePeriodEndsAt < SystemTime.UtcNow) throw ... GracePeriodHasAlreadyExpired()`:
        // strictly earlier, so cancelling at exactly GracePeriodEndsAt is still allowed. v1-2024 has
        // no such check (MODES `cancelChecksGracePeriod`).
        if (mode.cancelChecksGracePeriod && this.gracePeriodEndsAt < identity.now()) throw new BackboneError(400, ERRORS.gracePeriodExpired);
        this.status = CANCELLED; // line 120
        this.cancelledAt = identity.now(); // line 121 (v2 keeps no CancelledByDevice: the Device goes to the audit log only, line 124)
        if (mode.approves) this.cancelledByDevice = deviceId; // v1 keeps it ([v1 IDP] 2025 lines 187-189)
        if (mode.cancelClearsGracePeriodEnd) this.gracePeriodEndsAt = null; // line 122; v1 keeps it
    }

    // [DTO] lines 7-38, IdentityDeletionProcessOverviewDTO, in the order System.Text.Json writes the
    // properties: Id, Status, CreatedAt, CreatedByDevice, the obsolete ApprovedAt (=> CreatedAt) and
    // ApprovedByDevice (=> CreatedByDevice), GracePeriodEndsAt and the three reminder timestamps.
    // It has NO CancelledAt and NO CancelledByDevice. Unset values are written as null
    // (System.Text.Json's default).
    toOverviewDTO() {
        if (this.mode.dto === "v1") return this.toV1OverviewDTO();
        const time = (ticks) => (ticks === null ? null : formatTicks(ticks));
        return {
            id: this.id,
            status: this.status,
            createdAt: time(this.createdAt),
            createdByDevice: this.createdByDevice,
            approvedAt: time(this.createdAt),
            approvedByDevice: this.createdByDevice,
            gracePeriodEndsAt: time(this.gracePeriodEndsAt),
            gracePeriodReminder1SentAt: time(this.gracePeriodReminder1SentAt),
            gracePeriodReminder2SentAt: time(this.gracePeriodReminder2SentAt),
            gracePeriodReminder3SentAt: time(this.gracePeriodReminder3SentAt)
        };
    }

    // [v1 DTO] lines 7-44 (identical at both v1 commits), IdentityDeletionProcessOverviewDTO, in
    // declaration order, camelCase, unset values null, times with three digits ([v1 UtcConv]). It
    // has NO createdByDevice, NO cancelledAt and NO cancelledByDevice; approvalPeriodEndsAt is never
    // null (CreatedAt + 7 days, even for an owner-started process); the reminders are sent by jobs
    // the fake does not run.
    toV1OverviewDTO() {
        const time = (ticks) => (ticks === null ? null : formatTicksAsMilliseconds(ticks));
        return {
            id: this.id,
            status: this.status,
            createdAt: time(this.createdAt),
            approvalPeriodEndsAt: time(addDays(this.createdAt, APPROVAL_PERIOD_DAYS)),
            approvalReminder1SentAt: null,
            approvalReminder2SentAt: null,
            approvalReminder3SentAt: null,
            approvedAt: time(this.approvedAt),
            approvedByDevice: this.approvedByDevice,
            gracePeriodEndsAt: time(this.gracePeriodEndsAt),
            gracePeriodReminder1SentAt: null,
            gracePeriodReminder2SentAt: null,
            gracePeriodReminder3SentAt: null
        };
    }
}
class FakeBackbone {
    // `load` loads a package as the runtime under test sees it (runtime-versions.js: its own
    // @nmshd/transport and @nmshd/crypto); the default is this directory's top level (7.0.0).
    // `mode` is one of MODES' names (versions.json `backbone`; default v2).
    constructor({ clientId, clientSecret, hostname = "127.0.0.1", logger, requests = () => ({ inFlight: Infinity, arrived: 0 }), load = require, mode = "v2" }) {
        this.requests = requests; // {inFlight, arrived} of an Identity, see databaseRoundTrip
        if (!Object.prototype.hasOwnProperty.call(MODES, mode)) throw new Error(`unknown fake Backbone mode '${mode}' (known: ${Object.keys(MODES).join(", ")})`);
        this.mode = MODES[mode];
        // The address check in AccountController.createIdentityAndDevice compares the Backbone's
        // address with one the runtime derives from the public key; the fake derives it with the
        // same function of the same version.
        this.IdentityUtil = load("@nmshd/transport").IdentityUtil;
        this.CryptoSignaturePublicKey = load("@nmshd/crypto").CryptoSignaturePublicKey;
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
                // Handlers may await (the deletion-process handlers await a database round trip
                // between load and save, as the Backbone does), so calls can interleave.
                reply = await this.route(req, raw);
            } catch (e) {
                if (!(e instanceof BackboneError)) {
                    this.logger.error("fake Backbone: internal error", e);
                    e = new BackboneError(500, ERRORS.unexpected);
                }
                reply = { status: e.status, body: { error: this.errorBody(e) } };
            }
            this.send(res, reply);
        });
    }

    // The Backbone's HttpResponseEnvelopeError: {error: {id, code, message, docs, time}}.
    errorBody(e) {
        return { id: randomId("ERR"), code: e.code, message: e.message, docs: "", time: formatTicks(runningTicks()) };
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

    // A JSON body. Invalid JSON (which the runtime never sends) is a BadHttpRequestException on
    // the minimal-API endpoints ([HttpErr] line 25), an invalid model state on v1's MVC controllers
    // ([v1 Mvc] lines 36-55); the fake answers it so for every route.
    parseJson(raw) {
        if (!raw) return {};
        try {
            return JSON.parse(raw);
        } catch {
            throw new BackboneError(400, this.mode.badRequestBody("$"));
        }
    }

    authenticate(req) {
        const header = req.headers.authorization || "";
        const session = this.tokens.get(header.replace(/^Bearer /, ""));
        if (!session) throw new BackboneError(401, ERRORS.unauthorized);
        return session;
    }

    async route(req, raw) {
        const url = new URL(req.url, "http://fake");
        const path = url.pathname;
        const method = req.method;
        const api = this.mode.prefix; // /api/v2 or /api/v1: the only difference in these routes
        let m;

        if (method === "POST" && path === `${api}/Challenges`) return this.createChallenge();
        if (method === "POST" && path === `${api}/Identities`) return await this.createIdentity(this.parseJson(raw));
        if (method === "POST" && path === "/connect/token") return this.token(querystring.parse(raw));

        const session = this.authenticate(req);
        if (method === "POST" && path === `${api}/SyncRuns`) return this.startSyncRun(session, this.parseJson(raw));
        if (method === "PUT" && path.startsWith(`${api}/SyncRuns/`) && (m = path.slice(api.length).match(/^\/SyncRuns\/([^/]+)\/FinalizeDatawalletVersionUpgrade$/))) {
            return this.finalizeDatawalletVersionUpgrade(session, m[1], this.parseJson(raw));
        }
        if (method === "GET" && path === `${api}/Datawallet`) return ok(200, { version: session.identity.datawalletVersion });
        if (method === "GET" && path === `${api}/Datawallet/Modifications`) return this.getDatawalletModifications(session, url.searchParams);
        if (method === "POST" && path === `${api}/Datawallet/Modifications`) return this.pushDatawalletModifications(session, this.parseJson(raw));

        // v1 also has PUT {id}/Approve and {id}/Reject ([v1 Ctl] 2025 lines 82-100); the runtime
        // calls them only for a local process in WaitingForApproval, which an owner never has, so
        // the fake leaves them out (an empty 404 below).
        const base = `${api}/Identities/Self/DeletionProcesses`;
        if (path === base && method === "POST") return await this.startDeletionProcess(session, raw);
        if (path === base && method === "GET") return this.listDeletionProcesses(session);
        if (method === "GET" && (m = path.slice(base.length).match(/^\/([^/]+)$/)) && path.startsWith(base)) {
            return this.getDeletionProcess(session, decodeURIComponent(m[1]));
        }
        if (method === "PUT" && (m = path.slice(base.length).match(/^\/([^/]+)\/Cancel$/)) && path.startsWith(base)) {
            return await this.cancelDeletionProcess(session, decodeURIComponent(m[1]));
        }

        // An unknown route: an empty 404, which the runtime reports as error.transport.request.notFound.
        this.logger.warn(`fake Backbone: no route for ${method} ${path}`);
        return { status: 404, body: undefined };
    }

    // --- Identities, authentication, sync (not deletion-process rules: only as much as the
    // runtime needs to create an Identity, log in and sync) ------------------------------------

    createChallenge() {
        // ChallengeController.createAccountCreationChallenge reads `id` and `expiresAt`.
        const expiresAt = this.mode.formatTime(runningTicks() + 10n * 60n * 1000n * TICKS_PER_MS);
        return ok(201, { id: randomId("CHL"), expiresAt, createdBy: null, createdByDevice: null });
    }

    async createIdentity(body) {
        // BackbonePostIdentityRequest: identityPublicKey, devicePassword, signedChallenge, clientId,
        // clientSecret, identityVersion. The challenge's signature is not verified. Invented, with
        // the reason: a sanity check of the adapter's own set-up (it always sends these right), not
        // a Backbone rule; the codes and texts are the fake's own.
        if (body.clientId !== this.clientId || body.clientSecret !== this.clientSecret) {
            throw new BackboneError(400, ["error.platform.invalidClient", "The client credentials are invalid. (fake Backbone)"]);
        }
        if (typeof body.identityPublicKey !== "string" || typeof body.devicePassword !== "string") {
            throw new BackboneError(400, ["error.platform.validation.invalidPropertyValue", "A property has an invalid value. (fake Backbone)"]);
        }
        const publicKey = this.CryptoSignaturePublicKey.fromBase64(body.identityPublicKey);
        const address = (await this.IdentityUtil.createAddress(publicKey, this.hostname)).toString();
        const createdAt = this.mode.formatTime(runningTicks());
        const device = { id: randomId("DVC"), username: randomId("USR"), password: body.devicePassword, createdAt };
        const identity = new FakeIdentity(address, device, this.mode);
        this.identities.set(address, identity);
        this.devicesByUsername.set(device.username, { identity, device });
        // BackbonePostIdentityResponse: {address, device: {id, username}, createdAt}
        return ok(201, { address, device: { id: device.id, username: device.username, createdAt }, createdAt });
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
        const now = runningTicks();
        const syncRun = {
            id: randomId("SYR"),
            expiresAt: this.mode.formatTime(now + 60n * 1000n * TICKS_PER_MS),
            index: this.syncRuns.size,
            createdAt: this.mode.formatTime(now),
            createdBy: session.identity.address,
            createdByDevice: session.device.id,
            eventCount: 0
        };
        this.syncRuns.set(syncRun.id, { identity: session.identity, type: body.type });
        return ok(201, { status: "Created", syncRun });
    }

    finalizeDatawalletVersionUpgrade(session, id, body) {
        const run = this.syncRuns.get(id);
        if (!run || run.identity !== session.identity) throw new BackboneError(404, ERRORS.applicationNotFound("SyncRun"));
        this.syncRuns.delete(id);
        if (typeof body.newDatawalletVersion === "number") session.identity.datawalletVersion = body.newDatawalletVersion;
        // FinalizeDatawalletVersionUpgradeResponse: {newDatawalletModificationIndex, datawalletModifications}
        return ok(200, { newDatawalletModificationIndex: -1, datawalletModifications: [] });
    }

    // The datawallet (@nmshd/transport SyncClient: GET /api/v2/Datawallet/Modifications?localIndex=,
    // POST /api/v2/Datawallet/Modifications; shapes from its BackboneDatawalletModification.d.ts and
    // CreateDatawalletModifications.d.ts). The fake stores every pushed modification with the next
    // index and hands out those after `localIndex`, in one page; it does not check versions.
    getDatawalletModifications(session, params) {
        const localIndex = params.has("localIndex") ? Number(params.get("localIndex")) : -1;
        const result = session.identity.datawalletModifications.filter((mod) => mod.index > localIndex);
        return { status: 200, body: { result, pagination: { pageNumber: 1, pageSize: result.length, totalPages: 1, totalRecords: result.length } } };
    }

    pushDatawalletModifications(session, body) {
        const store = session.identity.datawalletModifications;
        const created = [];
        for (const item of Array.isArray(body.modifications) ? body.modifications : []) {
            const modification = {
                id: randomId("DWM"),
                index: store.length,
                objectIdentifier: item.objectIdentifier,
                payloadCategory: item.payloadCategory ?? null,
                createdAt: this.mode.formatTime(runningTicks()),
                createdByDevice: session.device.id,
                collection: item.collection,
                type: item.type,
                encryptedPayload: item.encryptedPayload ?? null,
                datawalletVersion: item.datawalletVersion
            };
            store.push(modification);
            created.push({ id: modification.id, index: modification.index, createdAt: modification.createdAt });
        }
        return ok(201, { newIndex: store.length - 1, modifications: created });
    }

    // --- IdentityDeletionProcesses ---------------------------------------------------------

    // [StartEp] lines 15 and 21-24: POST, body optional (`request ?? new Command()`), answer 201.
    // [StartH] lines 26-47: load tracked (line 28), StartDeletionProcess (line 30), Update (line 34;
    // the unique-index violation becomes OnlyOneActiveDeletionProcessAllowed, lines 36-39).
    // v1: [v1 Ctl] 2025 lines 72-80: POST, body optional, `Created("", response)` 201; [v1 StartH]
    // 2025 lines 28, 30, 32-39, the same steps. v1-2024: [v1 Ctl] 2024 lines 68-75 take no body at
    // all (not even parsed), [v1 StartH] 2024 lines 26, 28, 30 without the unique index (MODES).
    async startDeletionProcess(session, raw) {
        const body = this.mode.takesGracePeriod ? this.parseJson(raw) : {};
        const days = body.lengthOfGracePeriodInDays;
        // `double? LengthOfGracePeriodInDays` ([StartCmd] line 8): a body whose value is not a
        // number (or null) does not bind, a BadHttpRequestException ([HttpErr] line 25; v1: an
        // invalid model state, [v1 Mvc] lines 36-55). The runtime's own schema lets only numbers
        // through, so it never sees this answer.
        if (days !== undefined && days !== null && typeof days !== "number") throw new BackboneError(400, this.mode.badRequestBody("lengthOfGracePeriodInDays"));
        const tracked = session.identity.loadTracked();
        const process = tracked.startDeletionProcess(session.device.id, days ?? undefined);
        await databaseRoundTrip(this, session.identity);
        try {
            session.identity.save(tracked);
        } catch (e) {
            if (e instanceof UniqueIndexViolation) throw new BackboneError(400, ERRORS.onlyOneActive);
            throw e;
        }
        return ok(201, process.toOverviewDTO());
    }

    // [ListH] lines 20-26: `identity.DeletionProcesses` (untracked read), answered 200. The fake
    // keeps insertion order; the real order is whatever EF's Include gives. The runtime never
    // calls this endpoint for RID5 (it lists its local store), so the order is not observable.
    listDeletionProcesses(session) {
        return ok(200, session.identity.load().map((p) => p.toOverviewDTO()));
    }

    // [GetH] lines 23-24: `identity.DeletionProcesses.FirstOrDefault(p => p.Id == request.Id)
    //   ?? throw new NotFoundException(nameof(IdentityDeletionProcess))` (404, [GenApp] message).
    getDeletionProcess(session, id) {
        const process = session.identity.load().find((p) => p.id === id);
        if (!process) throw new BackboneError(404, ERRORS.applicationNotFound("IdentityDeletionProcess"));
        return ok(200, process.toOverviewDTO());
    }

    // [CancelEp] lines 15 and 22-25: PUT {id}/Cancel, answer 200 (v1: [v1 Ctl] 2025 lines 120-128,
    // 2024 lines 114-122; [v1 CancelH] lines 27, 37, 39, the same steps).
    // [CancelH] lines 25-47: load the Identity tracked (line 27), identity.CancelDeletionProcess
    // (line 37), `_identitiesRepository.Update(identity)` (line 39). No lock, no transaction
    // around load and save, no concurrency token ([EfConfig]), and no unique index a cancel could
    // violate: concurrent cancels of one Active process each load it Active, each cancel it in
    // memory and each save; all succeed. The fake does exactly that, with the await between load
    // and save that the Backbone has.
    async cancelDeletionProcess(session, id) {
        // IdentityDeletionProcessId.Create ([CancelH] lines 30-33) and the feature's Validator.cs
        // refuse a malformed id; the runtime only cancels ids the Backbone gave it, so the fake
        // does not model that answer.
        const tracked = session.identity.loadTracked();
        const process = tracked.cancelDeletionProcess(id, session.device.id);
        await databaseRoundTrip(this, session.identity);
        session.identity.save(tracked);
        return ok(200, process.toOverviewDTO());
    }
}

function ok(status, result) {
    return { status, body: { result } };
}

module.exports = { FakeBackbone, MODES, DEFAULT_GRACE_PERIOD_DAYS, formatTicks, formatTicksAsMilliseconds, addDays, TICKS_PER_MS };
