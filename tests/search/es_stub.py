"""A small local HTTP server that answers the Elasticsearch 8 calls the backend makes (index
and alias management, bulk, search, scroll, refresh, cluster health) and records every request.

It is not a search engine: it stores what is bulk-indexed (with external versioning, as
Elasticsearch does), keeps indices and aliases, and answers a search with the documents of
the index newest first (or with ``next_search`` when a test sets one), so tests can assert on
what the real ``elasticsearch`` client sent and on how the backend reads the answers."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse


@dataclass
class Recorded:
    method: str
    path: str
    query: dict
    body: object

    @property
    def ndjson(self) -> list[dict]:
        return self.body if isinstance(self.body, list) else []


@dataclass
class StubIndex:
    body: dict
    aliases: set[str] = field(default_factory=set)
    docs: dict[str, tuple[int, dict]] = field(default_factory=dict)
    settings: list[dict] = field(default_factory=list)


class ElasticsearchStub:
    def __init__(self):
        self.requests: list[Recorded] = []
        self.indices: dict[str, StubIndex] = {}
        self.next_search: dict | None = None
        self.fail_next: int | None = None  # answer the next request with this status
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    # --- what tests look at
    def calls(self, method: str | None = None, path_part: str = "") -> list[Recorded]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and path_part in r.path
        ]

    def resolve(self, name: str) -> list[str]:
        if name in self.indices:
            return [name]
        return sorted(n for n, i in self.indices.items() if name in i.aliases)

    # --- the server
    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _body(self):
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                if not raw:
                    return None
                text = raw.decode()
                if "ndjson" in (self.headers.get("content-type") or ""):
                    return [json.loads(line) for line in text.splitlines() if line.strip()]
                return json.loads(text)

            def _answer(self, status: int, payload: dict | None):
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("X-Elastic-Product", "Elasticsearch")
                self.send_header(
                    "content-type", "application/vnd.elasticsearch+json;compatible-with=8"
                )
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def _handle(self):
                parsed = urlparse(self.path)
                path = unquote(parsed.path)
                query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                body = self._body()
                with stub._lock:
                    stub.requests.append(Recorded(self.command, path, query, body))
                    if stub.fail_next:
                        status, stub.fail_next = stub.fail_next, None
                        return self._answer(
                            status, {"error": {"type": "stub_failure"}, "status": status}
                        )
                    status, payload = stub.route(self.command, path, query, body)
                self._answer(status, payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        return Handler

    def route(self, method, path, query, body):  # noqa: C901 — one small router
        parts = [p for p in path.split("/") if p]
        not_found = (404, {"error": {"type": "index_not_found_exception"}, "status": 404})
        if parts == ["_cluster", "health"]:
            return 200, {"cluster_name": "stub", "status": "green", "number_of_nodes": 1}
        if parts[:1] == ["_alias"] and len(parts) == 2:
            owners = [n for n, i in self.indices.items() if parts[1] in i.aliases]
            if not owners:
                return 404, {"error": f"alias [{parts[1]}] missing", "status": 404}
            return 200, {n: {"aliases": {parts[1]: {}}} for n in owners}
        if parts == ["_aliases"] and method == "POST":
            for action in body["actions"]:
                ((kind, spec),) = action.items()
                if kind == "add":
                    self.indices[spec["index"]].aliases.add(spec["alias"])
                elif kind == "remove":
                    self.indices[spec["index"]].aliases.discard(spec["alias"])
                elif kind == "remove_index":
                    self.indices.pop(spec["index"], None)
            return 200, {"acknowledged": True}
        if parts == ["_bulk"]:
            return 200, self._bulk(body)
        if parts == ["_search", "scroll"]:
            if method == "DELETE":
                return 200, {"succeeded": True, "num_freed": 1}
            return 200, {
                "_scroll_id": "s1",
                "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
                "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
            }
        if len(parts) == 1:
            names = parts[0].split(",")
            if method == "PUT":
                if parts[0] in self.indices:
                    error = {"type": "resource_already_exists_exception", "reason": parts[0]}
                    return 400, {"error": error, "status": 400}
                self.indices[parts[0]] = StubIndex(
                    body=body or {}, aliases=set((body or {}).get("aliases", {}))
                )
                return 200, {"acknowledged": True, "shards_acknowledged": True, "index": parts[0]}
            if method == "HEAD":
                return (200, None) if parts[0] in self.indices else (404, None)
            if method == "DELETE":
                for name in names:
                    self.indices.pop(name, None)
                return 200, {"acknowledged": True}
        if len(parts) == 2 and parts[1] == "_settings":
            for name in self.resolve(parts[0]):
                self.indices[name].settings.append(body)
            return 200, {"acknowledged": True}
        if len(parts) == 2 and parts[1] == "_refresh":
            return (
                (200, {"_shards": {"total": 1, "successful": 1, "failed": 0}})
                if self.resolve(parts[0])
                else not_found
            )
        if len(parts) == 2 and parts[1] == "_search":
            names = self.resolve(parts[0])
            if not names:
                return not_found
            if self.next_search is not None:
                answer, self.next_search = self.next_search, None
                return 200, answer
            return 200, self._search(names[0], body or {}, scroll="scroll" in query)
        return 400, {
            "error": {"type": "stub_does_not_know", "reason": f"{method} {path}"},
            "status": 400,
        }

    def _bulk(self, lines):
        items, errors = [], False
        i = 0
        while i < len(lines):
            ((op, meta),) = lines[i].items()
            source = lines[i + 1] if op == "index" else None
            i += 2 if op == "index" else 1
            targets = self.resolve(meta["_index"])
            doc_id = str(meta["_id"])
            if not targets:
                items.append(
                    {
                        op: {
                            "_index": meta["_index"],
                            "_id": doc_id,
                            "status": 404,
                            "error": {"type": "index_not_found_exception"},
                        }
                    }
                )
                errors = True
                continue
            index = self.indices[targets[0]]
            version = meta.get("version")
            current = index.docs.get(doc_id)
            if version is not None and current is not None and current[0] >= version:
                items.append(
                    {
                        op: {
                            "_index": targets[0],
                            "_id": doc_id,
                            "status": 409,
                            "error": {"type": "version_conflict_engine_exception"},
                        }
                    }
                )
                errors = True
                continue
            if op == "index":
                index.docs[doc_id] = (version or 1, source)
                items.append(
                    {
                        op: {
                            "_index": targets[0],
                            "_id": doc_id,
                            "status": 201,
                            "result": "created",
                            "_version": version,
                        }
                    }
                )
            elif current is None:
                items.append(
                    {
                        op: {
                            "_index": targets[0],
                            "_id": doc_id,
                            "status": 404,
                            "result": "not_found",
                        }
                    }
                )
                errors = True
            else:
                del index.docs[doc_id]
                items.append(
                    {op: {"_index": targets[0], "_id": doc_id, "status": 200, "result": "deleted"}}
                )
        return {"took": 1, "errors": errors, "items": items}

    def _search(self, name, body, *, scroll=False):
        docs = sorted(
            self.indices[name].docs.items(),
            key=lambda kv: (kv[1][1].get("opened_at", ""), kv[1][1].get("file_id", 0)),
            reverse=True,
        )
        size = body.get("size", 10)
        hits = [
            {
                "_index": name,
                "_id": doc_id,
                "_score": 1.0,
                "_source": source,
                "sort": [source.get("opened_at"), source.get("file_id")],
            }
            for doc_id, (_, source) in docs[: size if not scroll else None]
        ]
        aggs = {}
        for agg_name, spec in (body.get("aggs") or {}).items():
            field_name = spec["terms"]["field"]
            counts = {}
            for _, (_, source) in docs:
                counts[source.get(field_name)] = counts.get(source.get(field_name), 0) + 1
            aggs[agg_name] = {"buckets": [{"key": k, "doc_count": n} for k, n in counts.items()]}
        answer = {
            "took": 1,
            "timed_out": False,
            "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
            "hits": {
                "total": {"value": len(docs), "relation": "eq"},
                "max_score": 1.0,
                "hits": hits,
            },
            "aggregations": aggs,
        }
        if scroll:
            answer["_scroll_id"] = "s1"
        return answer
