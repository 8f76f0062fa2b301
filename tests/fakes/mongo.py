"""A MongoDB server on loopback that speaks the wire protocol the way mongod 7 does, for what X8 uses.

The real driver (PyMongo) talks to it unchanged: the handshake over OP_QUERY, then OP_MSG commands (body and
document-sequence sections), SCRAM-SHA-256 authentication when users are configured (a wrong password is
refused as mongod refuses it), and the commands the history store sends: insert, update (with upsert and the
``$set``/``$setOnInsert``/``$inc``/``$push`` operators), find (filter, sort, limit, projection), delete,
createIndexes (an existing index with other options is error 85, as on a real server), collMod, listIndexes,
dropIndexes, drop. Documents over 16 MB are refused with mongod's error. The TTL monitor runs when a test calls
``expire``. ``down = True`` refuses new connections (an outage).
"""

from __future__ import annotations

import base64
import copy
import datetime
import hashlib
import hmac
import itertools
import os
import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import bson
from bson.codec_options import CodecOptions

OP_REPLY, OP_QUERY, OP_MSG = 1, 2004, 2013
MAX_BSON = 16 * 1024 * 1024
CODEC: CodecOptions[dict[str, Any]] = CodecOptions(tz_aware=True, tzinfo=datetime.UTC)
UNAUTHENTICATED_OK = {"hello", "ismaster", "ping", "saslstart", "saslcontinue", "endsessions", "buildinfo"}


class CommandError(Exception):
    def __init__(self, code: int, code_name: str, message: str) -> None:
        super().__init__(message)
        self.code, self.code_name = code, code_name


@dataclass
class FakeMongo:
    users: dict[str, str] = field(default_factory=dict)  # SCRAM-SHA-256 users (authSource admin); none: no auth
    collections: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    indexes: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    commands: list[str] = field(default_factory=list)
    down: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock)

    def documents(self, db: str, collection: str) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self.collections.get((db, collection), []))

    def expire(self, now: datetime.datetime | None = None) -> int:
        """One pass of mongod's TTL monitor: delete documents whose TTL-indexed date is older than allowed."""
        now = now or datetime.datetime.now(datetime.UTC)
        removed = 0
        with self.lock:
            for key, indexes in self.indexes.items():
                for index in indexes:
                    if "expireAfterSeconds" not in index:
                        continue
                    [path] = list(index["key"])
                    limit = now - datetime.timedelta(seconds=index["expireAfterSeconds"])
                    docs = self.collections.get(key, [])
                    keep = [d for d in docs if not (isinstance(d.get(path), datetime.datetime) and d[path] < limit)]
                    removed += len(docs) - len(keep)
                    self.collections[key] = keep
        return removed


@contextmanager
def serve_mongo(fake: FakeMongo) -> Iterator[str]:
    """Run the fake on a loopback port; yields its ``mongodb://`` URL (credentials are the caller's to add)."""

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            if fake.down:
                return
            _Connection(fake, self.request).serve()

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"mongodb://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


_ids = itertools.count(1)


class _Connection:
    def __init__(self, fake: FakeMongo, sock: socket.socket) -> None:
        self.fake, self.sock = fake, sock
        self.user: str | None = None
        self.scram: dict[str, Any] = {}
        self.connection_id = next(_ids)

    def serve(self) -> None:
        while not self.fake.down:
            header = self._read(16)
            if header is None:
                return
            length, request_id, _, opcode = struct.unpack("<iiii", header)
            body = self._read(length - 16)
            if body is None:
                return
            if opcode == OP_QUERY:
                self._reply_op_query(request_id, body)
            elif opcode == OP_MSG:
                self._reply_op_msg(request_id, body)
            else:
                return  # mongod closes the connection on an opcode it does not take

    def _read(self, n: int) -> bytes | None:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def _reply_op_query(self, request_id: int, body: bytes) -> None:
        name_end = body.index(b"\x00", 4)
        collection = body[4:name_end].decode()
        offset = name_end + 1 + 8
        size = struct.unpack_from("<i", body, offset)[0]
        command = bson.decode(body[offset : offset + size], codec_options=CODEC)
        command["$db"] = collection.split(".", 1)[0]
        reply = bson.encode(self._run(command))
        message = struct.pack("<iqii", 0, 0, 0, 1) + reply
        self.sock.sendall(struct.pack("<iiii", 16 + len(message), next(_ids), request_id, OP_REPLY) + message)

    def _reply_op_msg(self, request_id: int, body: bytes) -> None:
        flags = struct.unpack_from("<I", body)[0]
        end = len(body) - (4 if flags & 1 else 0)  # a CRC-32C trailer when the checksum flag is set
        offset, command = 4, {}
        while offset < end:
            kind = body[offset]
            offset += 1
            size = struct.unpack_from("<i", body, offset)[0]
            if kind == 0:
                command.update(bson.decode(body[offset : offset + size], codec_options=CODEC))
            else:  # a document sequence: its identifier names the command field it fills
                name_end = body.index(b"\x00", offset + 4)
                identifier = body[offset + 4 : name_end].decode()
                documents, cursor = [], name_end + 1
                while cursor < offset + size:
                    doc_size = struct.unpack_from("<i", body, cursor)[0]
                    documents.append(bson.decode(body[cursor : cursor + doc_size], codec_options=CODEC))
                    cursor += doc_size
                command.setdefault(identifier, []).extend(documents)
            offset += size
        reply = b"\x00\x00\x00\x00\x00" + bson.encode(self._run(command))
        self.sock.sendall(struct.pack("<iiii", 16 + len(reply), next(_ids), request_id, OP_MSG) + reply)

    def _run(self, command: dict[str, Any]) -> dict[str, Any]:
        name = next(iter(command))
        self.fake.commands.append(name)
        try:
            if self.fake.users and self.user is None and name.lower() not in UNAUTHENTICATED_OK:
                raise CommandError(13, "Unauthorized", f"command {name} requires authentication")
            handler = getattr(self, f"_cmd_{name.lower()}", None)
            if handler is None:
                raise CommandError(59, "CommandNotFound", f"no such command: '{name}'")
            with self.fake.lock:
                return {**handler(command), "ok": 1.0}
        except CommandError as exc:
            return {"ok": 0.0, "errmsg": str(exc), "code": exc.code, "codeName": exc.code_name}

    # -- handshake and authentication ---------------------------------------------------------------------

    def _cmd_hello(self, command: dict[str, Any]) -> dict[str, Any]:
        reply: dict[str, Any] = {
            "helloOk": True,
            "isWritablePrimary": True,
            "ismaster": True,
            "maxBsonObjectSize": MAX_BSON,
            "maxMessageSizeBytes": 48_000_000,
            "maxWriteBatchSize": 100_000,
            "localTime": datetime.datetime.now(datetime.UTC),
            "logicalSessionTimeoutMinutes": 30,
            "connectionId": self.connection_id,
            "minWireVersion": 0,
            "maxWireVersion": 21,
            "readOnly": False,
        }
        if "saslSupportedMechs" in command:
            user = str(command["saslSupportedMechs"]).split(".", 1)[-1]
            if user in self.fake.users:
                reply["saslSupportedMechs"] = ["SCRAM-SHA-256"]
        return reply

    _cmd_ismaster = _cmd_hello

    def _cmd_ping(self, command: dict[str, Any]) -> dict[str, Any]:
        return {}

    def _cmd_buildinfo(self, command: dict[str, Any]) -> dict[str, Any]:
        return {"version": "7.0.0", "versionArray": [7, 0, 0, 0]}

    def _cmd_endsessions(self, command: dict[str, Any]) -> dict[str, Any]:
        return {}

    def _cmd_saslstart(self, command: dict[str, Any]) -> dict[str, Any]:
        if command.get("mechanism") != "SCRAM-SHA-256":
            raise CommandError(2, "BadValue", f"Unsupported mechanism {command.get('mechanism')}")
        first = bytes(command["payload"]).decode()
        bare = first.split(",", 2)[2]
        attributes = dict(part.split("=", 1) for part in bare.split(","))
        user = attributes["n"]
        salt = hashlib.sha256(user.encode()).digest()[:16]
        nonce = attributes["r"] + base64.b64encode(os.urandom(18)).decode()
        server_first = f"r={nonce},s={base64.b64encode(salt).decode()},i=4096"
        self.scram = {"user": user, "salt": salt, "bare": bare, "server_first": server_first, "nonce": nonce}
        return {"conversationId": 1, "done": False, "payload": server_first.encode()}

    def _cmd_saslcontinue(self, command: dict[str, Any]) -> dict[str, Any]:
        state, self.scram = self.scram, {}
        final = bytes(command["payload"]).decode()
        without_proof, _, proof = final.rpartition(",p=")
        password = self.fake.users.get(state.get("user", ""))
        if password is None or f"r={state['nonce']}" not in without_proof:
            raise CommandError(18, "AuthenticationFailed", "Authentication failed.")
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(), state["salt"], 4096)
        auth_message = f"{state['bare']},{state['server_first']},{without_proof}".encode()
        client_key = hmac.digest(salted, b"Client Key", "sha256")
        stored_key = hashlib.sha256(client_key).digest()
        signature = hmac.digest(stored_key, auth_message, "sha256")
        sent_key = bytes(a ^ b for a, b in zip(base64.b64decode(proof), signature, strict=False))
        if not hmac.compare_digest(hashlib.sha256(sent_key).digest(), stored_key):
            raise CommandError(18, "AuthenticationFailed", "Authentication failed.")
        self.user = state["user"]
        server_key = hmac.digest(salted, b"Server Key", "sha256")
        verifier = base64.b64encode(hmac.digest(server_key, auth_message, "sha256")).decode()
        return {"conversationId": 1, "done": True, "payload": f"v={verifier}".encode()}

    # -- data ------------------------------------------------------------------------------------------------

    def _docs(self, command: dict[str, Any], name: str) -> list[dict[str, Any]]:
        return self.fake.collections.setdefault((command["$db"], command[name]), [])

    def _cmd_insert(self, command: dict[str, Any]) -> dict[str, Any]:
        docs, errors = self._docs(command, "insert"), []
        for index, document in enumerate(command.get("documents", [])):
            document.setdefault("_id", bson.ObjectId())
            if len(bson.encode(document)) > MAX_BSON:
                errors.append({"index": index, "code": 10334, "errmsg": "object to insert too large"})
            elif any(d["_id"] == document["_id"] for d in docs):
                errors.append({"index": index, "code": 11000, "errmsg": "E11000 duplicate key error"})
            else:
                docs.append(document)
        inserted = len(command.get("documents", [])) - len(errors)
        return {"n": inserted, **({"writeErrors": errors} if errors else {})}

    def _cmd_update(self, command: dict[str, Any]) -> dict[str, Any]:
        docs = self._docs(command, "update")
        matched = modified = 0
        upserted: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for index, spec in enumerate(command.get("updates", [])):
            hits = [d for d in docs if _matches(d, spec["q"])]
            if not spec.get("multi"):
                hits = hits[:1]
            try:
                if hits:
                    for doc in hits:
                        changed = _apply(copy.deepcopy(doc), spec["u"], inserting=False)
                        _check_size(changed)
                        matched += 1
                        modified += changed != doc
                        doc.clear()
                        doc.update(changed)
                elif spec.get("upsert"):
                    seed = {k: v for k, v in spec["q"].items() if not k.startswith("$") and not _is_operator(v)}
                    created = _apply(seed, spec["u"], inserting=True)
                    created.setdefault("_id", bson.ObjectId())
                    _check_size(created)
                    docs.append(created)
                    upserted.append({"index": index, "_id": created["_id"]})
            except CommandError as exc:
                errors.append({"index": index, "code": exc.code, "errmsg": str(exc)})
        reply: dict[str, Any] = {"n": matched + len(upserted), "nModified": modified}
        if upserted:
            reply["upserted"] = upserted
        if errors:
            reply["writeErrors"] = errors
        return reply

    def _cmd_find(self, command: dict[str, Any]) -> dict[str, Any]:
        docs = [
            d
            for d in self.fake.collections.get((command["$db"], command["find"]), [])
            if _matches(d, command.get("filter", {}))
        ]
        for key, direction in reversed(list((command.get("sort") or {}).items())):
            docs.sort(key=_sort_key(key), reverse=direction < 0)
        if command.get("limit"):
            docs = docs[: abs(int(command["limit"]))]
        projection = command.get("projection")
        if projection:
            docs = [{k: v for k, v in d.items() if k == "_id" or projection.get(k)} for d in docs]
        namespace = f"{command['$db']}.{command['find']}"
        return {"cursor": {"id": bson.int64.Int64(0), "ns": namespace, "firstBatch": copy.deepcopy(docs)}}

    def _cmd_delete(self, command: dict[str, Any]) -> dict[str, Any]:
        docs = self._docs(command, "delete")
        removed = 0
        for spec in command.get("deletes", []):
            hits = [d for d in docs if _matches(d, spec["q"])]
            if spec.get("limit") == 1:
                hits = hits[:1]
            for doc in hits:
                docs.remove(doc)
            removed += len(hits)
        return {"n": removed}

    def _cmd_createindexes(self, command: dict[str, Any]) -> dict[str, Any]:
        existing = self.fake.indexes.setdefault((command["$db"], command["createIndexes"]), [])
        before = len(existing) + 1  # the _id index
        for wanted in command["indexes"]:
            same = [i for i in existing if i["name"] == wanted["name"] or dict(i["key"]) == dict(wanted["key"])]
            if same and same[0] != wanted:
                raise CommandError(
                    85, "IndexOptionsConflict", f"An equivalent index already exists with different options: {same[0]}"
                )
            if not same:
                existing.append(dict(wanted))
        return {
            "numIndexesBefore": before,
            "numIndexesAfter": len(existing) + 1,
            "createdCollectionAutomatically": before == 1,
        }

    def _cmd_collmod(self, command: dict[str, Any]) -> dict[str, Any]:
        change = command.get("index", {})
        for index in self.fake.indexes.get((command["$db"], command["collMod"]), []):
            if index["name"] == change.get("name") or dict(index["key"]) == dict(change.get("keyPattern", {})):
                old = index.get("expireAfterSeconds")
                index["expireAfterSeconds"] = change["expireAfterSeconds"]
                return {"expireAfterSeconds_old": old, "expireAfterSeconds_new": change["expireAfterSeconds"]}
        raise CommandError(27, "IndexNotFound", "cannot find index for collMod")

    def _cmd_listindexes(self, command: dict[str, Any]) -> dict[str, Any]:
        indexes = [{"v": 2, "key": {"_id": 1}, "name": "_id_"}] + [
            {"v": 2, **i} for i in self.fake.indexes.get((command["$db"], command["listIndexes"]), [])
        ]
        namespace = f"{command['$db']}.{command['listIndexes']}"
        return {"cursor": {"id": bson.int64.Int64(0), "ns": namespace, "firstBatch": indexes}}

    def _cmd_dropindexes(self, command: dict[str, Any]) -> dict[str, Any]:
        indexes = self.fake.indexes.get((command["$db"], command["dropIndexes"]), [])
        kept = [i for i in indexes if i["name"] != command["index"]]
        if len(kept) == len(indexes):
            raise CommandError(27, "IndexNotFound", f"index not found with name [{command['index']}]")
        self.fake.indexes[(command["$db"], command["dropIndexes"])] = kept
        return {"nIndexesWas": len(indexes) + 1}

    def _cmd_drop(self, command: dict[str, Any]) -> dict[str, Any]:
        key = (command["$db"], command["drop"])
        self.fake.collections.pop(key, None)
        self.fake.indexes.pop(key, None)
        return {}


def _is_operator(value: Any) -> bool:
    return isinstance(value, dict) and any(str(k).startswith("$") for k in value)


def _sort_key(field: str) -> Any:
    def key(doc: dict[str, Any]) -> tuple[int, Any]:
        value = doc.get(field)
        return (0, 0) if value is None else (1, value)

    return key


def _matches(doc: dict[str, Any], query: dict[str, Any]) -> bool:
    for key, wanted in query.items():
        value = doc.get(key)
        if _is_operator(wanted):
            for op, operand in wanted.items():
                if op == "$exists":
                    ok = (key in doc) == bool(operand)
                elif op == "$in":
                    ok = value in operand
                elif op == "$ne":
                    ok = value != operand
                elif value is None:
                    ok = False
                elif op in ("$lt", "$lte", "$gt", "$gte"):
                    ok = {
                        "$lt": value < operand,
                        "$lte": value <= operand,
                        "$gt": value > operand,
                        "$gte": value >= operand,
                    }[op]
                else:
                    raise CommandError(2, "BadValue", f"unknown operator: {op}")
                if not ok:
                    return False
        elif value != wanted:
            return False
    return True


def _apply(doc: dict[str, Any], update: dict[str, Any], *, inserting: bool) -> dict[str, Any]:
    if not any(k.startswith("$") for k in update):
        return {"_id": doc.get("_id"), **update} if "_id" in doc else dict(update)  # a replacement
    for op, fields in update.items():
        for key, value in fields.items():
            if op == "$set":
                doc[key] = value
            elif op == "$setOnInsert":
                if inserting:
                    doc[key] = value
            elif op == "$inc":
                doc[key] = doc.get(key, 0) + value
            elif op == "$push":
                items = value["$each"] if isinstance(value, dict) and "$each" in value else [value]
                doc.setdefault(key, []).extend(items)
                if isinstance(value, dict) and "$slice" in value:
                    limit = int(value["$slice"])
                    doc[key] = doc[key][limit:] if limit < 0 else doc[key][:limit]
            else:
                raise CommandError(9, "FailedToParse", f"Unknown modifier: {op}")
    return doc


def _check_size(doc: dict[str, Any]) -> None:
    if len(bson.encode(doc)) > MAX_BSON:
        raise CommandError(17419, "BSONObjectTooLarge", f"Resulting document after update is larger than {MAX_BSON}")
