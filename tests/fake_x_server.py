"""A fake X API v2 for tests: hand-written responses in tests/fixtures/x_api, routed by endpoint.

`FakeX` answers (method, path, query) with a fixture file; `phase` 2 prefers the `*_run2.json`
files (what is new the next day). Faults are queued with `fail(...)`. It is served either through
the `responses` library (`install`) or by a real HTTP server on 127.0.0.1 (`serve`), which handles
a bounded number of requests and then stops itself.
"""
from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "x_api"
BRAND_ID = "1000000001"
EMPTY = {"meta": {"result_count": 0}}


@dataclass
class Fault:
    path: str                  # a regular expression searched in the request's path?query
    status: int = 503
    headers: dict = field(default_factory=dict)
    body: dict | None = None
    times: int = 1
    timeout: bool = False      # `responses`: raise ReadTimeout; the real server: stall instead


class FakeX:
    def __init__(self, phase: int = 1):
        self.phase = phase
        self.requests: list[dict] = []          # method, path, query (lists flattened), headers
        self.faults: list[Fault] = []

    def fail(self, path: str, status: int = 503, times: int = 1, headers=None, body=None,
             timeout: bool = False) -> None:
        self.faults.append(Fault(path, status, dict(headers or {}), body, times, timeout))

    def fixture(self, name: str) -> dict | None:
        candidates = [f"{name}_run2.json"] if self.phase == 2 else []
        for candidate in candidates + [f"{name}.json"]:
            if (FIXTURES / candidate).exists():
                return json.loads((FIXTURES / candidate).read_text(encoding="utf-8"))
        return None

    def handle(self, method: str, url: str, headers: dict) -> tuple[int, dict, dict, bool]:
        """(status, headers, body, timeout) for one request; every request is recorded."""
        parts = urlsplit(url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.requests.append({"method": method, "path": parts.path, "query": query,
                              "headers": dict(headers), "url": url})
        for fault in self.faults:
            if fault.times > 0 and re.search(fault.path, f"{parts.path}?{parts.query}"):
                fault.times -= 1
                body = fault.body or {"title": "Service Unavailable", "status": fault.status}
                return fault.status, fault.headers, body, fault.timeout
        body = self.route(parts.path, query)
        if "since_id" in query:                          # as the API does: only newer items
            body = _newer_than(body, int(query["since_id"]))
        return 200, {}, body, False

    def route(self, path: str, query: dict) -> dict:
        token = query.get("pagination_token")
        if re.fullmatch(r"/2/users/by/username/acmecare", path, re.I):
            return self.fixture("users_by_username_AcmeCare")
        if path == "/2/users/me":
            return self.fixture("users_me")
        if path in (f"/2/users/{BRAND_ID}/mentions", f"/2/users/{BRAND_ID}/tweets"):
            kind = path.rsplit("/", 1)[1]
            if self.phase == 2:
                return self.fixture(f"{kind}_run2") if not token else EMPTY
            return self.fixture(f"{kind}_2" if token else f"{kind}_1") or EMPTY
        if path == "/2/tweets/search/recent":
            cid = query.get("query", "").removeprefix("conversation_id:")
            return self.fixture(f"search_{cid}") or EMPTY
        if path == "/2/dm_events":
            if self.phase == 2:
                return self.fixture("dm_events_run2") if not token else EMPTY
            return self.fixture("dm_events_2" if token else "dm_events_1")
        return {"title": "Not Found Error", "detail": f"no route {path}"}

    def paths(self) -> list[str]:
        return [r["path"] for r in self.requests]


def _newer_than(body: dict, since_id: int) -> dict:
    data = body.get("data")
    if not isinstance(data, list):
        return body
    kept = [item for item in data if int(item["id"]) > since_id]
    if not kept:
        return dict(EMPTY)
    meta = dict(body.get("meta", {}), result_count=len(kept), newest_id=kept[0]["id"],
                oldest_id=kept[-1]["id"])
    return dict(body, data=kept, meta=meta)


def install(rsps, fake: FakeX, base: str = "https://api.twitter.com") -> None:
    """Serve `fake` through a `responses.RequestsMock` for every request under `base`."""

    def callback(request):
        relative = request.url[len(base):]
        status, headers, body, timeout = fake.handle(request.method, relative, request.headers)
        if timeout:
            raise requests.ReadTimeout("fake read timeout")
        return status, headers, json.dumps(body)

    rsps.add_callback("GET", re.compile(re.escape(base) + r"/.*"), callback=callback,
                      content_type="application/json")


@contextlib.contextmanager
def serve(fake: FakeX, max_requests: int = 100, deadline: float = 60.0, stall: float = 1.0):
    """A real HTTP server on 127.0.0.1 (a free port) in a thread; yields its base URL. It stops
    after `max_requests` requests or `deadline` seconds, and always when the block ends. A
    timeout fault makes it wait `stall` seconds before answering."""
    served = {"n": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            served["n"] += 1
            if served["n"] > max_requests:
                self.send_error(503, "request budget of the fake server exhausted")
                threading.Thread(target=stop, daemon=True).start()
                return
            status, headers, body, timeout = fake.handle("GET", self.path, dict(self.headers))
            if timeout:
                time.sleep(stall)
            payload = json.dumps(body).encode()
            try:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass                       # the client gave up (a timeout test)

        def log_message(self, *args):      # keep test output clean
            pass

    def stop():
        """Stop serving and close the socket: later connections are refused at once."""
        server.shutdown()
        server.server_close()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    timer = threading.Timer(deadline, stop)
    timer.daemon = True
    thread.start()
    timer.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        timer.cancel()
        stop()
        thread.join(timeout=5)
