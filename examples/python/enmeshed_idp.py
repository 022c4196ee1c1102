#!/usr/bin/env python3
"""An IdentityDeletionProcess implementation speaking the enmeshed-conformance
stdio protocol (version 1). Plain Python 3 standard library, one file.

Run it under the suite:
    enmeshed-conformance run --adapter-cmd "python3 examples/python/enmeshed_idp.py"

Requests arrive one JSON object per line on stdin; replies go one per line to
stdout, in any order (requests are served by a thread pool). One lock guards
all state, so initiate checks for an Active process and creates the new one
atomically: concurrent initiates give exactly one Active process.
"""

import json
import secrets
import string
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

PROTOCOL_VERSION = 1
DEFAULT_GRACE_PERIOD_DAYS = 14
STATUS_CHANGED_EVENT = "transport.identityDeletionProcessStatusChanged"
ALPHANUMERIC = string.ascii_letters + string.digits

ERRORS = {
    "alreadyActive": (
        "error.runtime.identityDeletionProcess.activeIdentityDeletionProcessAlreadyExists",
        "There is already an active IdentityDeletionProcess. You cannot start another, "
        "as there may only be one active IdentityDeletionProcess per Identity.",
    ),
    "noActive": (
        "error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess",
        "No active IdentityDeletionProcess found.",
    ),
    "expired": (
        "error.platform.validation.device.gracePeriodHasAlreadyExpired",
        "You cannot perform this action, because the grace period of this deletion process has already expired.",
    ),
    "notFound": (
        "error.runtime.recordNotFound",
        "IdentityDeletionProcess not found. Make sure the ID exists and the record is not expired.",
    ),
    "invalidId": (
        "error.runtime.validation.invalidPropertyValue",
        "The id is not a valid IdentityDeletionProcess id: expected 'IDP' followed by 17 letters or digits.",
    ),
}


class DomainError(Exception):
    def __init__(self, key):
        super().__init__(key)
        self.code, self.message = ERRORS[key]


def new_id(prefix):
    return prefix + "".join(secrets.choice(ALPHANUMERIC) for _ in range(17))


def is_process_id(text):
    return (
        isinstance(text, str)
        and len(text) == 20
        and text.startswith("IDP")
        and all(c in ALPHANUMERIC for c in text[3:])
    )


def timestamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


class Identity:
    def __init__(self):
        self.device = new_id("DVC")
        self.devices = [self.device]  # the first one, then those newDevice added
        self.processes = []  # dicts in creation order
        self.stopped_clock = None  # a datetime once the clock was advanced
        self.events = []

    def now(self):
        moment = self.stopped_clock or datetime.now(timezone.utc)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)

    def active(self):
        return next((p for p in self.processes if p["status"] == "Active"), None)

    def acting_device(self, request):
        """The Device a call names (capability devices); the first one when absent."""
        device = request.get("device", self.device)
        if device not in self.devices:
            raise LookupError("unknown device %r" % device)
        return device


def dto(process):
    """The DTO: optional fields are left out, never null."""
    out = {
        "id": process["id"],
        "status": process["status"],
        "createdAt": timestamp(process["createdAt"]),
        "createdByDevice": process["createdByDevice"],
    }
    for key in ("gracePeriodEndsAt", "cancelledAt"):
        if process.get(key) is not None:
            out[key] = timestamp(process[key])
    if process.get("cancelledByDevice") is not None:
        out["cancelledByDevice"] = process["cancelledByDevice"]
    return out


class Implementation:
    def __init__(self):
        self.lock = threading.Lock()
        self.identities = {}

    def identity(self, request):
        identity = self.identities.get(request.get("identity"))
        if identity is None:
            raise LookupError("unknown identity %r" % request.get("identity"))
        return identity

    def new_identity(self, request):
        handle = new_id("id1")
        self.identities[handle] = Identity()
        return {"identity": handle}

    def initiate(self, request):  # RID1
        identity = self.identity(request)
        if identity.active() is not None:
            raise DomainError("alreadyActive")
        days = request.get("lengthOfGracePeriodInDays", DEFAULT_GRACE_PERIOD_DAYS)
        now = identity.now()
        process = {
            "id": new_id("IDP"),
            "status": "Active",
            "createdAt": now,
            "createdByDevice": identity.acting_device(request),
            "gracePeriodEndsAt": now + timedelta(days=days),
        }
        identity.processes.append(process)
        identity.events.append({"name": STATUS_CHANGED_EVENT, "data": dto(process)})
        return dto(process)

    def cancel(self, request):  # RID2
        identity = self.identity(request)
        device = identity.acting_device(request)
        process = identity.active()
        if process is None:
            raise DomainError("noActive")
        now = identity.now()
        if now > process["gracePeriodEndsAt"]:
            raise DomainError("expired")
        process.update(status="Cancelled", cancelledAt=now, cancelledByDevice=device, gracePeriodEndsAt=None)
        identity.events.append({"name": STATUS_CHANGED_EVENT, "data": dto(process)})
        return dto(process)

    def get(self, request):  # RID3
        identity = self.identity(request)
        if not is_process_id(request.get("id")):
            raise DomainError("invalidId")
        for process in identity.processes:
            if process["id"] == request["id"]:
                return dto(process)
        raise DomainError("notFound")

    def get_active(self, request):  # RID4
        process = self.identity(request).active()
        if process is None:
            raise DomainError("noActive")
        return dto(process)

    def get_all(self, request):  # RID5
        return [dto(p) for p in self.identity(request).processes]

    def advance_clock(self, request):
        identity = self.identity(request)
        identity.stopped_clock = identity.now() + timedelta(milliseconds=request["milliseconds"])
        return {}

    def set_clock(self, request):
        identity = self.identity(request)
        instant = datetime.strptime(request["instant"], "%Y-%m-%dT%H:%M:%S.%fZ")
        identity.stopped_clock = instant.replace(tzinfo=timezone.utc)
        return {}

    def new_device(self, request):
        identity = self.identity(request)
        device = new_id("DVC")
        identity.devices.append(device)
        return {"device": device}

    def take_events(self, request):
        identity = self.identity(request)
        events, identity.events = identity.events, []
        return events

    def start(self, request):
        return {
            "name": "enmeshed-conformance Python example",
            "version": "1.0.0",
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": ["clock", "events", "devices", "setClock"],
        }

    def handle(self, request):
        handlers = {
            "start": self.start,
            "newIdentity": self.new_identity,
            "initiate": self.initiate,
            "cancel": self.cancel,
            "get": self.get,
            "getActive": self.get_active,
            "getAll": self.get_all,
            "advanceClock": self.advance_clock,
            "setClock": self.set_clock,
            "newDevice": self.new_device,
            "takeEvents": self.take_events,
            "stop": lambda request: {},
        }
        handler = handlers.get(request.get("kind"))
        if handler is None:
            return {"errored": {"message": "unknown request kind %r" % request.get("kind")}}
        try:
            with self.lock:
                return {"result": handler(request)}
        except DomainError as error:
            return {"error": {"code": error.code, "message": error.message}}
        except Exception as error:  # the request could not be done at all
            return {"errored": {"message": "%s: %s" % (type(error).__name__, error)}}


def main():
    implementation = Implementation()
    output_lock = threading.Lock()

    def reply(seq, body):
        line = json.dumps({"seq": seq, **body}, separators=(",", ":"))
        with output_lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def serve(request):
        reply(request.get("seq"), implementation.handle(request))

    with ThreadPoolExecutor(max_workers=8) as pool:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
            except ValueError as error:
                print("ignoring a line that is not JSON: %s" % error, file=sys.stderr)
                continue
            if request.get("kind") == "stop":
                pool.shutdown(wait=True)
                serve(request)
                return
            pool.submit(serve, request)


if __name__ == "__main__":
    main()
