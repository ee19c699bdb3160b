"""Load: concurrent clients against a real server, gunicorn on 127.0.0.1 with 2 sync workers.

The client is bounded: a fixed number of threads, each with its own connection per request
(gunicorn's sync workers close the connection after every response), stopping at a deadline
or a total request count, whichever comes first. It runs on the same two cores as the server,
so the figures are read as ratios to the floor view measured the same way, one after the
other: requests per second of the tracking lookup and the inbox over those of the floor.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from benchmark.report import Load
from benchmark.signin import signed_in_client
from benchmark.writer import Progress

HOST = "127.0.0.1"


@dataclass
class Target:
    name: str
    method: str
    paths: list[str]
    bodies: list[bytes] | None = None
    cookies: list[str] | None = None
    expect: tuple[int, ...] = (200,)


def database_url() -> str:
    """The database this process uses, as a URL for the server's environment."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    d = connection.settings_dict
    auth = quote(d.get("USER") or "")
    if d.get("PASSWORD"):
        auth += ":" + quote(d["PASSWORD"])
    host = d.get("HOST") or "127.0.0.1"
    port = d.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{d['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving Daftar with the benchmark's settings; stopped by its own pid."""

    def __init__(self, workers: int = 2):
        self.port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "benchmark.settings",
        }
        self.process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "daftar.wsgi:application",
                "--workers",
                str(workers),
                "--bind",
                f"{HOST}:{self.port}",
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],
            env=env,
            cwd=str(settings.BASE_DIR),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def wait(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    "gunicorn exited: " + self.process.stderr.read().decode()[-2000:]
                )
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", path)
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def drive(
    port: int, target: Target, *, clients: int, seconds: float, max_requests: int
) -> tuple[list[float], int, float]:
    """Run ``clients`` threads against ``target``; returns latencies (ms), errors, duration."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    issued = [0]
    deadline = time.monotonic() + seconds

    def worker(offset: int):
        i = offset
        while time.monotonic() < deadline:
            with lock:
                if issued[0] >= max_requests:
                    return
                issued[0] += 1
            path = target.paths[i % len(target.paths)]
            headers = {"Host": HOST}
            body = None
            if target.bodies:
                body = target.bodies[i % len(target.bodies)]
                headers["Content-Type"] = "application/json"
            if target.cookies:
                headers["Cookie"] = target.cookies[i % len(target.cookies)]
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                conn.request(target.method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                ok = response.status in target.expect
            except OSError:
                ok = False
            ms = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    latencies.append(ms)
                else:
                    errors[0] += 1
            i += clients

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0], time.monotonic() - started


def _session_cookies(users) -> list[str]:
    cookies = []
    for user in users:
        # A real session row, committed (the server can read it), past the second factor.
        client = signed_in_client(user)
        cookies.append(
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def run(
    sample, *, n_files: int, clients: int, seconds: float, max_requests: int, progress: Progress
) -> list[Load]:
    """Floor, tracking lookup and inbox under ``clients`` concurrent clients, in turn."""
    from django.urls import reverse

    targets = [
        Target(
            "load: floor view",
            "GET",
            [f"/_bench/floor/{pk}/" for pk in sample.floor_ids],
        )
    ]
    if sample.references:
        targets.append(
            Target(
                "load: public tracking lookup",
                "POST",
                [reverse("portal-track")],
                bodies=[
                    json.dumps({"reference": r, "second_factor": f}).encode()
                    for r, f in sample.references
                ],
            )
        )
    if sample.users:
        targets.append(
            Target(
                "load: inbox",
                "GET",
                [reverse("workspace:home")],
                cookies=_session_cookies(sample.users[:20]),
            )
        )
    server = Server()
    figures: list[Load] = []
    try:
        server.wait(targets[0].paths[0])
        # Warm both workers (imports, connections) before anything counts.
        for target in targets:
            drive(server.port, target, clients=clients, seconds=1, max_requests=clients * 4)
        floor_rps = None
        for target in targets:
            ms, errors, took = drive(
                server.port,
                target,
                clients=clients,
                seconds=seconds,
                max_requests=max_requests,
            )
            figure = Load(target.name, n_files, clients, took, ms, errors, floor_rps)
            if floor_rps is None:
                floor_rps = figure.rps
                figure.floor_rps = floor_rps
            j = figure.as_json()
            progress(
                f"  {target.name:<32} {j['rps']:8.1f} req/s  p50 {j['p50_ms'] or 0:6.1f}  "
                f"p95 {j['p95_ms'] or 0:6.1f} ms  {errors} errors"
            )
            figures.append(figure)
    finally:
        server.stop()
    return figures
