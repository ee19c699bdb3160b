"""The CI stack's journey (deploy/ci/stack.sh runs it): people using Daftar through nginx.

Like a browser: a session cookie and the CSRF token of each form, the form's own fields as
the page served them, redirects followed. An assistant diarises a citizen's application with a
scanned PDF (the object must land in the S3 bucket), opens a file on it and writes a note, puts
it up; the Section Officer and the Deputy Secretary put it up; the Secretary approves. Midway
one app server (its gunicorn master and workers) and the task worker are killed with
``kill -9``; the worker is restarted and the journey goes on through nginx, which must send
everything to the other app server. Then the file is found by search once the worker indexed
it, the citizen tracks the matter on the public page, and the office is checked whole: no lost
or duplicated movement, every queued task done, each periodic job run once, and
custody_verify, audit_verify, documents_verify and ``search_index check`` clean.

Prints each step's time and what the kill cost. Exits non-zero on the first thing wrong.
"""

from __future__ import annotations

import html
import io
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests
from django_otp.oath import totp

ROOT = Path(__file__).resolve().parents[2]
WEB = os.environ["DAFTAR_STACK_WEB"]
STACK = Path(os.environ["DAFTAR_STACK_DIR"])
# The production environment the stack runs Daftar from (deploy/ci/stack.sh, APPENV); this
# script itself runs in the dev environment, which has its HTTP client.
PY = os.environ.get("DAFTAR_STACK_PYTHON", sys.executable)
PASSWORD = "daftar-demo"  # the demo officers' (demo/organisation.py)
# The demo officers' authenticator (demo/accounts.py: one known key for every demo login,
# given to them by deploy/ci/seed_office.py). A code is accepted once per login: a second
# sign-in of the same officer in the same 30-second step waits for the next code.
DEMO_TOTP_KEY = b"daftar-demo-2fa-key!"
_last_step: dict[str, int] = {}
TIMES: list[tuple[str, float]] = []


def fail(message: str) -> None:
    print(f"JOURNEY FAILED: {message}", flush=True)
    sys.exit(1)


@contextmanager
def step(name: str):
    started = time.perf_counter()
    yield
    took = time.perf_counter() - started
    TIMES.append((name, took))
    print(f"  {took * 1000:8.0f} ms  {name}", flush=True)


# --- a small browser ---------------------------------------------------------------------------


class Forms(HTMLParser):
    """The forms of a page: action, method, fields with their values as served, buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "action": a.get("action", ""),
                "method": a.get("method", "get").lower(),
                "fields": {},
                "options": {},
                "buttons": [],
            }
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind, name = a.get("type", "text").lower(), a.get("name")
            if kind in {"submit", "image"}:
                self._form["buttons"].append((name, a.get("value", "")))
            elif name and kind not in {"checkbox", "radio", "file"}:
                self._form["fields"][name] = a.get("value", "")
            elif name and kind in {"checkbox", "radio"} and "checked" in a:
                self._form["fields"][name] = a.get("value", "on")
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form["buttons"].append((a.get("name"), a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name")
            self._first = None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self._form["options"].setdefault(self._select, []).append(value)
            if self._first is None and value:
                self._first = value
                self._form["fields"].setdefault(self._select, value)
            if "selected" in a:
                self._form["fields"][self._select] = value
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._form["fields"][self._textarea] = ""

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class Browser:
    def __init__(self, who: str):
        self.who = who
        self.s = requests.Session()
        self.s.headers["User-Agent"] = "Daftar-CI-journey/1"
        self.page = None

    def _cookies(self) -> dict:
        """Browsers treat http://127.0.0.1 as a secure context and send ``Secure`` cookies
        to it (production sets SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE); requests does
        not, so the journey sends its cookies itself, as a browser on this host would."""
        jar = "; ".join(f"{c.name}={c.value}" for c in self.s.cookies)
        return {"Cookie": jar} if jar else {}

    def _send(self, method: str, url: str, headers=None, **kwargs):
        """One request and its redirects, each with the cookies (requests would rebuild
        them from its jar on a redirect and drop the Secure ones)."""
        r = self.s.request(
            method,
            url,
            headers={**(headers or {}), **self._cookies()},
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )
        for _ in range(10):
            if r.status_code not in (301, 302, 303, 307, 308):
                break
            url = urljoin(r.url, r.headers["Location"])
            r = self.s.get(url, headers=self._cookies(), allow_redirects=False, timeout=60)
        return r

    def get(self, path: str, expect=200):
        r = self._send("GET", urljoin(WEB, path))
        self._check(r, expect, f"GET {path}")
        self.page = r
        return r

    def form(self, action_suffix: str) -> dict:
        parser = Forms()
        parser.feed(self.page.text)
        for f in parser.forms:
            action = f["action"]
            if action == action_suffix or (action_suffix and action.endswith(action_suffix)):
                return f
        fail(f"{self.who}: no form ending {action_suffix} on {self.page.url}")

    def submit(self, action_suffix: str, fields=None, files=None, button=None, expect=200):
        f = self.form(action_suffix)
        data = {**f["fields"], **(fields or {})}
        if button is not None:
            data[button[0]] = button[1]
        url = urljoin(self.page.url, f["action"])
        r = self._send(
            "POST",
            url,
            data=data,
            files=files,
            headers={"Referer": self.page.url, "Origin": WEB},
        )
        self._check(r, expect, f"POST {f['action']}")
        self.page = r
        return r

    def _check(self, r, expect, what):
        if r.status_code != expect:
            fail(f"{self.who}: {what} answered {r.status_code}, expected {expect}: {r.text[:500]}")


def sign_in(username: str) -> Browser:
    """Sign ``username`` in through the login form, as a person does. The one place the
    journey signs in: a second factor (TOTP) adds its step here."""
    b = Browser(username)
    b.get("/accounts/login/")
    b.submit("", {"username": username, "password": PASSWORD})
    if "/accounts/login/" in b.page.url:
        fail(f"{username} could not sign in")
    if "/accounts/second-factor/" not in b.page.url:
        fail(f"{username} was not asked for the second factor (at {b.page.url})")
    step = int(time.time()) // 30
    if _last_step.get(username) == step:
        time.sleep(30 - time.time() % 30 + 0.5)
        step = int(time.time()) // 30
    _last_step[username] = step
    b.submit("", {"otp_token": f"{totp(DEMO_TOTP_KEY):06d}"})
    if "/accounts/" in b.page.url:
        fail(f"{username}: the second factor was refused (at {b.page.url})")
    return b


def messages(b: Browser) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", b.page.text))


# --- the processes ----------------------------------------------------------------------------


def pid_of(name: str) -> int:
    return int((STACK / "pids" / f"{name}.pid").read_text())


def kill9(name: str) -> list[int]:
    """kill -9 a process and its children (a gunicorn master and its workers)."""
    pid = pid_of(name)
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    pids = [pid, *map(int, children.stdout.split())]
    for p in pids:
        with suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)
    for p in pids:
        for _ in range(100):
            if _dead(p):
                break
            time.sleep(0.01)
    return pids


def _dead(pid: int) -> bool:
    """Gone, or a zombie its parent (the stack's shell) has not reaped yet."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        # ProcessLookupError: reaped between opening /proc/<pid>/stat and reading it (seen once).
        return True
    return state in {"Z", "X"}


def django_setup() -> None:
    """Django in this process, with the stack's environment: for the checks that read the
    database, and the worker's recovery (what ``manage.py tasks_recover`` runs)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daftar.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    django.setup()


def start_worker() -> None:
    # Django's modules are imported only after django_setup(): this script sets up Django itself.
    from daftar.ops.queue import recover

    n = recover(worker_id="stack-worker")
    print(f"            {n} task(s) the killed worker held put back in the queue")
    log = open(STACK / "logs" / "worker-2.log", "w")  # noqa: SIM115 (the process keeps it)
    proc = subprocess.Popen(
        [PY, "manage.py", "db_worker", "--worker-id", "stack-worker", "--interval", "0.2"]
        + ["--no-startup-delay"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    (STACK / "pids" / "worker.pid").write_text(str(proc.pid))


# --- the journey ------------------------------------------------------------------------------


def a_scanned_pdf() -> bytes:
    """A one-page 'scan': an image of a letter inside a PDF, as a scanner makes."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (827, 1169), 250)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(["Application for a domicile certificate", "Gul Bano, Mardan"]):
        draw.text((80, 120 + 40 * i), line, fill=20)
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    pdf.drawImage(ImageReader(image), 0, 0, *A4)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def bucket_keys() -> set[str]:
    import boto3

    s3 = boto3.client(
        "s3", endpoint_url=os.environ["S3_ENDPOINT_URL"], region_name=os.environ["S3_REGION"]
    )
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=os.environ["S3_BUCKET"])
    return {o["Key"] for page in pages for o in page.get("Contents", [])}


def officers() -> dict[str, str]:
    """The Finance Department's first section's demo officers, from the seed's list."""
    listing = (STACK / "logs" / "seed_office.log").read_text()
    asst = re.search(r"^\s+(fd-asst-[\w-]+)\s", listing, re.M)
    if not asst:
        fail("the seed listed no Finance Department assistant")
    slug = asst.group(1).removeprefix("fd-asst-")
    return {
        "asst": f"fd-asst-{slug}",
        "so": f"fd-so-{slug}",
        "ds": f"fd-ds-{slug}",
        "secretary": "fd-secretary",
    }


def main() -> None:
    print(f"stack started in {float(os.environ['DAFTAR_STACK_STARTED']):.1f} s", flush=True)
    django_setup()
    who = officers()
    word = f"zanjir{int(time.time()) % 100000}"  # a word no demo file has
    cnic4 = "4321"

    with step("health: /healthz/live and /healthz/ready through nginx"):
        probe = Browser("probe")
        probe.get("/healthz/live")
        r = probe.get("/healthz/ready")
        if r.json()["status"] != "ok":
            fail(f"not ready: {r.text}")

    with step(f"sign in ({who['asst']})"):
        asst = sign_in(who["asst"])
    before = bucket_keys()
    with step("diarise a citizen's application with a scanned PDF"):
        asst.get("/desk/receipts/new/")
        asst.submit(
            "",
            {
                "sender": "Gul Bano",
                "subject": f"Domicile certificate application ({word})",
                "citizen_name": "Gul Bano",
                "citizen_cnic_last4": cnic4,
                "time_limit_days": "15",
            },
            files={"scans": ("application.pdf", a_scanned_pdf(), "application/pdf")},
        )
        receipt_url = asst.page.url
        if "/desk/receipts/" not in receipt_url or "Diarised as" not in messages(asst):
            fail(f"diarising did not land on the receipt: {receipt_url}")
        ref = re.search(r"tracking reference\s*<strong[^>]*>([\w-]+)<", asst.page.text)
        if not ref:
            fail("the receipt page shows no tracking reference")
        tracking_ref = ref.group(1)
    new_objects = bucket_keys() - before
    if not new_objects:
        fail("the scan is not in the S3 bucket")
    print(f"            the scan is in the bucket: {sorted(new_objects)}")

    with step("open a file on the receipt"):
        heads = [v for v in asst.form("/open-file/")["options"]["subject_head"] if v]
        asst.submit("/open-file/", {"subject_head": heads[0]})
        m = re.search(r"/desk/files/(\d+)/$", asst.page.url)
        if not m:
            fail(f"opening the file did not land on it: {asst.page.url}")
        file_path = f"/desk/files/{m.group(1)}/"
        file_id = int(m.group(1))
    with step("write a note"):
        asst.submit(
            "/notes/",
            {"text": f"The applicant at Flag A asks for a domicile certificate ({word})."},
        )
    with step("put up to the Section Officer"):
        asst.submit("/put_up/", {"remarks": "For orders"})
        if "File put up." not in messages(asst):
            fail("put up: no confirmation")

    # --- kill -9 one app server and the worker, midway --------------------------------------
    app1 = f"app-{os.environ['DAFTAR_STACK_APP1']}"
    pids = kill9(app1)
    worker_pids = kill9("worker")
    killed_at = time.perf_counter()
    print(f"            kill -9: app server 1 {pids}, worker {worker_pids}", flush=True)
    with step("first page through nginx after the kill (the file, as the assistant)"):
        asst.get(file_path)
        first_after = time.perf_counter() - killed_at
    with step("restart the worker (recover its tasks)"):
        start_worker()

    for key in ("so", "ds"):
        with step(f"sign in ({who[key]}), open the file, put up"):
            b = sign_in(who[key])
            b.get(file_path)
            b.submit("/put_up/", {"remarks": "For approval please"})
            if "File put up." not in messages(b):
                fail(f"{who[key]}: put up: no confirmation")
    with step(f"sign in ({who['secretary']}), approve"):
        secy = sign_in(who["secretary"])
        secy.get(file_path)
        secy.submit("/decide/", button=("decision", "approved"))
        if "Approved and sent down." not in messages(secy):
            fail("approve: no confirmation")
    print(
        f"            the kill cost: the first page answered {first_after * 1000:.0f} ms after "
        f"kill -9 (nginx skipped the dead server); the rest went to the other app server"
    )

    with step("find the file by search (after the worker indexed it)"):
        deadline = time.monotonic() + 60
        while True:
            secy.get(f"/desk/search/?q={word}")
            if file_path in secy.page.text:
                break
            if time.monotonic() > deadline:
                fail("search did not find the file within 60 s")
            time.sleep(0.5)

    with step("the citizen tracks the matter on the public page"):
        citizen = Browser("citizen")
        citizen.get("/track/")
        citizen.submit("", {"reference": tracking_ref, "second_factor": cnic4})
        if tracking_ref.replace("-", "")[:5] not in citizen.page.text.replace("-", ""):
            fail("the tracking page does not show the matter")
        if "Not found" in citizen.page.text:
            fail("the tracking page did not find the matter")

    with step("metrics through nginx: refused without the token, counted with it"):
        probe = Browser("monitor")
        probe.get("/metrics", expect=404)
        token = os.environ["DAFTAR_METRICS_TOKEN"]
        r = probe.s.get(f"{WEB}/metrics", headers={"Authorization": f"Bearer {token}"})
        if r.status_code != 200 or "daftar_http_requests_total" not in r.text:
            fail(f"metrics: {r.status_code} {r.text[:300]}")
        if 'daftar_tasks{state="failed"} 0' not in r.text:
            fail("metrics: failed tasks are not 0")
        if not probe.page.headers.get("X-Request-ID"):
            fail("no X-Request-ID on the answer")

    with step("the office is whole: movements, tasks, jobs, verify commands"):
        check_whole(file_id)

    with step("restore drill: the office from a dump and a bucket copy, verified"):
        from django.core.management import call_command

        out = io.StringIO()
        try:
            call_command(
                "restore_drill",
                target_db="daftar_stack_drill",
                target_bucket="daftar-stack-drill",
                stdout=out,
                stderr=out,
            )
        except (SystemExit, Exception) as exc:
            fail(f"restore drill ({exc!r}):\n{out.getvalue()[-2000:]}")
        print("            " + out.getvalue().strip().splitlines()[-1])

    total = sum(t for _, t in TIMES)
    print(f"journey: {len(TIMES)} steps in {total:.1f} s")


def check_whole(file_id: int) -> None:
    from django.core.management import call_command
    from django.db.models import Count
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    # (after django_setup(), as above: models cannot be imported before it)
    from daftar.ops.models import JobRun
    from workspace.models import Movement

    kinds = list(
        Movement.objects.filter(file_id=file_id).order_by("pk").values_list("kind", flat=True)
    )
    if kinds != ["open", "put_up", "put_up", "put_up", "approve"]:
        fail(f"movements lost or duplicated: {kinds}")

    deadline = time.monotonic() + 60
    while True:
        pending = DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL)
        states = dict(pending.values_list("status").annotate(n=Count("id")).order_by())
        if not states:
            break
        if TaskResultStatus.FAILED in states or time.monotonic() > deadline:
            failed = pending.filter(status=TaskResultStatus.FAILED)
            fail(f"tasks not done: {states}; failed: {list(failed.values_list('task_path'))}")
        time.sleep(0.5)
    done = DBTaskResult.objects.count()

    runs = list(JobRun.objects.values_list("job", "slot", "state", "runner"))
    per_slot = {}
    for job, slot, _state, runner in runs:
        per_slot.setdefault((job, slot), []).append(runner)
    if any(len(r) > 1 for r in per_slot.values()):
        fail(f"a job ran twice for one slot: {per_slot}")
    ran = {job for job, _, state, _ in runs if state == JobRun.State.DONE}
    if not {"eoffice_figures", "stalled_tasks"} <= ran:
        fail(f"the schedulers did not run the due jobs: {runs}")

    for command in (
        ["custody_verify"],
        ["audit_verify"],
        ["documents_verify"],
        ["search_index", "check"],
    ):
        out = io.StringIO()
        try:
            call_command(*command, stdout=out, stderr=out)
        except (SystemExit, Exception) as exc:  # a verify command that found a problem
            fail(f"{' '.join(command)} is not clean ({exc!r}):\n{out.getvalue()[-2000:]}")
        last = (out.getvalue().strip().splitlines() or ["ok"])[-1]
        print(f"            {' '.join(command)}: {last}")
    print(
        f"            {done} task(s) done, none waiting or failed; "
        f"{len(runs)} scheduled run(s) by two schedulers, each slot once"
    )


if __name__ == "__main__":
    main()
