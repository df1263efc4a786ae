"""Failure drills on PostgreSQL: `make drills` (or `.venv/bin/python scripts/drills/run.py`).

Each drill starts its own processes (a redis-server on a free port, gunicorn, celery workers)
and uses databases named drill_*, which it creates and drops; the shared Redis and other
databases are never touched. At the end one table: drill | what was checked | result | figures.

    .venv/bin/python scripts/drills/run.py                      # every drill, load for 120 s
    .venv/bin/python scripts/drills/run.py --load-seconds 20 --only load,db_cut
"""

import argparse
import collections
import email
import email.policy
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import traceback
import urllib.parse
from pathlib import Path

import psycopg2

PROJECT = Path(__file__).resolve().parents[2]
DRILLS_DIR = Path(__file__).resolve().parent
PY = str(PROJECT / ".venv" / "bin" / "python")
BIN = PROJECT / ".venv" / "bin"
PG = "postgres://postgres@127.0.0.1:5432"
MAIN_DB = "drill_main"
RESTORE_DB = "drill_restore"
PASSWORD = "Demo-2026-pass"
LEASE_SECONDS = 5
SAVE_LIMIT_SECONDS = 3.0
DEFERRED_TEXT = "提醒将稍后发出"
SEPARATOR = b"-" * 79 + b"\n"  # what Django's file-based backend writes after each message


# --- processes ------------------------------------------------------------------------------


class Processes:
    """Every process a drill starts; all are killed (process group) at the end, pass or fail."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            command, cwd=PROJECT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        process.log_file = log
        process.name = name
        self.started.append(process)
        return process

    def kill(self, process: subprocess.Popen, sig=signal.SIGTERM, wait: float = 10) -> None:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGCONT)  # a stopped process cannot act on SIGTERM
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        process.log_file.close()

    def stop_all(self) -> None:
        for process in reversed(self.started):
            try:
                self.kill(process)
            except Exception:  # noqa: BLE001 - clean up the rest regardless
                traceback.print_exc()
        self.started.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
            if value:
                return value
        except Exception:  # noqa: BLE001 - not up yet
            pass
        if time.monotonic() > deadline:
            raise DrillFailure(f"timed out waiting for {what}")
        time.sleep(interval)


class DrillFailure(Exception):
    pass


def start_redis(procs: Processes) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = procs.start(
        f"redis-{port}",
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    )
    wait_for(lambda: redis_ping(port), 10, f"redis on {port}")
    process.port = port
    return process, port


def restart_redis(procs: Processes, port: int) -> subprocess.Popen:
    process = procs.start(
        f"redis-{port}",
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    )
    wait_for(lambda: redis_ping(port), 10, f"redis on {port} again")
    return process


def redis_ping(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
        s.sendall(b"PING\r\n")
        return s.recv(16).startswith(b"+PONG")


# --- databases --------------------------------------------------------------------------------


def admin_sql(sql: str, params=None, dbname: str = "postgres"):
    conn = psycopg2.connect(f"{PG}/{dbname}")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


def create_db(name: str) -> None:
    assert name.startswith("drill_")
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{name}"')


def drop_db(name: str) -> None:
    assert name.startswith("drill_")
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def db_query(dbname: str, sql: str, params=None):
    return admin_sql(sql, params, dbname=dbname)


# --- environment ------------------------------------------------------------------------------


class Context:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.static_root = workdir / "static"
        self.media_root = workdir / "media"
        self.media_root.mkdir(parents=True, exist_ok=True)

    def env(self, *, db: str = MAIN_DB, redis_port: int | None = None, outbox: Path | None = None, **extra) -> dict:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "drill_settings",
            "PYTHONPATH": os.pathsep.join([str(DRILLS_DIR), str(PROJECT)]),
            "DATABASE_URL": f"{PG}/{db}",
            "SECRET_KEY": "drill-only-not-secret",
            "PERSONAL_DATA_KEY": "drill-only-personal-data-key",
            "DEBUG": "0",
            "PORTAL_TESTING": "0",
            "REQUIRE_STAFF_MFA": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "DB_CONN_MAX_AGE": "60",
            "DRILL_LEASE_SECONDS": str(LEASE_SECONDS),
            "DRILL_STATIC_ROOT": str(self.static_root),
            "MEDIA_ROOT": str(self.media_root),
            "SMS_BACKEND": "notifications.sms.ConsoleSmsBackend",
            "EMAIL_BACKEND": "drill_mail.SlowFileBackend",
            "EMAIL_FILE_PATH": str(outbox or (self.workdir / "outbox-unused")),
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("REDIS_URL", None)
        if redis_port:
            env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def manage(self, *args, env: dict, timeout: float = 600) -> str:
        result = subprocess.run(
            [PY, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise DrillFailure(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
        return result.stdout

    def shell(self, code: str, *, env: dict, timeout: float = 300) -> str:
        return self.manage("shell", "-c", code, env=env, timeout=timeout).strip()


def start_gunicorn(procs: Processes, ctx: Context, env: dict, *, workers: int = 2, name: str = "gunicorn") -> int:
    port = free_port()
    procs.start(
        f"{name}-{port}",
        [
            str(BIN / "gunicorn"), "config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
            "--no-control-socket", "--timeout", "60", "--graceful-timeout", "5",
        ],
        env,
    )  # fmt: skip
    wait_for(lambda: Browser(port).get("/healthz").status > 0, 60, f"gunicorn on {port}")
    return port


def start_worker(procs: Processes, env: dict, name: str, concurrency: int = 2) -> subprocess.Popen:
    process = procs.start(
        name,
        [
            PY, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", f"--concurrency={concurrency}",
            "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
        ],
        env,
    )  # fmt: skip
    log = Path(process.log_file.name)
    wait_for(lambda: b"ready." in log.read_bytes(), 60, f"celery worker {name}")
    return process


# --- HTTP -------------------------------------------------------------------------------------


class Response:
    def __init__(self, status, headers, body, seconds):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Browser:
    """One visitor: cookies, CSRF, redirects followed by hand (so each step can be timed)."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None, follow: bool = True) -> Response:
        started = time.monotonic()
        hops = []
        for _hop in range(6):
            hop_started = time.monotonic()
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            headers = {"Host": "127.0.0.1", "Accept-Language": "zh-CN"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = None
            if data is not None:
                body = urllib.parse.urlencode(data, doseq=True)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            try:
                conn.request(method, path, body=body, headers=headers)
                raw = conn.getresponse()
                content = raw.read()
                for name, value in raw.getheaders():
                    if name.lower() == "set-cookie":
                        cookie = value.split(";", 1)[0]
                        key, _, val = cookie.partition("=")
                        if "expires=Thu, 01 Jan 1970" in value or val == '""':
                            self.cookies.pop(key, None)
                        else:
                            self.cookies[key] = val
                response = Response(raw.status, dict(raw.getheaders()), content, 0.0)
            finally:
                conn.close()
            hops.append(time.monotonic() - hop_started)
            if follow and response.status in (301, 302, 303) and "Location" in response.headers:
                path = urllib.parse.urlsplit(response.headers["Location"])._replace(scheme="", netloc="").geturl()
                method, data = "GET", None
                continue
            break
        response.seconds = time.monotonic() - started
        response.slowest = max(hops)
        return response

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, data: dict, **kw) -> Response:
        return self.request("POST", path, data={**data, "csrfmiddlewaretoken": self.csrf(path)}, **kw)

    def csrf(self, path: str) -> str:
        if "csrftoken" not in self.cookies:
            self.get(path)
        return self.cookies.get("csrftoken", "")

    def login(self, login: str) -> Response:
        page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        response = self.request(
            "POST",
            "/accounts/login/",
            data={"login": login, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1) if token else ""},
        )
        response.seconds += page.seconds
        response.slowest = max(response.slowest, page.slowest)
        if "sessionid" not in self.cookies:
            raise DrillFailure(f"login as {login} failed: {response.status} {response.text[:300]}")
        return response


def form_fields(html: str, form_marker: str = "") -> dict:
    """The named inputs, selects and textareas of the first form containing form_marker."""
    forms = re.findall(r"<form\b.*?</form>", html, flags=re.S)
    form = next((f for f in forms if form_marker in f), "")
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = (re.search(r'type="([^"]+)"', tag) or [None, "text"])[1]
        value = (re.search(r'value="([^"]*)"', tag) or [None, ""])[1]
        if kind in ("radio", "checkbox"):
            if "checked" in tag:
                fields[name.group(1)] = value
            continue
        fields.setdefault(name.group(1), value)
    for name, inner in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, flags=re.S):
        chosen = re.search(r'<option value="([^"]+)"[^>]*selected', inner)
        first = re.findall(r'<option value="([^"]+)"', inner)
        fields[name] = chosen.group(1) if chosen else (first[0] if first else "")
    for name, inner in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, flags=re.S):
        fields[name] = inner.strip()
    return fields


# --- e-mail outbox ----------------------------------------------------------------------------


def sent_messages(outbox: Path) -> list:
    messages = []
    for path in sorted(outbox.glob("*.log")):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip() and b"Subject:" in chunk:
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


def squeeze(text) -> str:
    """A subject as compared: without whitespace, which header folding of encoded (Chinese)
    words adds and moves."""
    return "".join(str(text).split())


def outbox_counter(outbox: Path) -> collections.Counter:
    return collections.Counter((str(m["To"]).strip(), squeeze(m["Subject"])) for m in sent_messages(outbox))


# --- setup ------------------------------------------------------------------------------------


def prepare_main_db(ctx: Context) -> dict:
    started = time.monotonic()
    create_db(MAIN_DB)
    env = ctx.env()
    ctx.manage("migrate", "--noinput", "-v0", env=env)
    ctx.manage("seed_demo", "--allow-without-debug", env=env)
    ctx.manage("seed_proposals", "--allow-without-debug", env=env)
    ctx.manage("collectstatic", "--noinput", "-v0", env=env)
    # A few uploaded files, as the attachments folder holds in production, for the backup drill.
    (ctx.media_root / "attachments").mkdir(parents=True, exist_ok=True)
    for i in range(3):
        (ctx.media_root / "attachments" / f"drill-{i}.txt").write_text(f"附件 {i}\n" * 100, encoding="utf-8")
    return {"setup_seconds": round(time.monotonic() - started, 1)}


# --- drills -----------------------------------------------------------------------------------


def drill_redis(ctx: Context, procs: Processes, *, hang: bool) -> tuple[str, dict]:
    redis, port = start_redis(procs)
    outbox = ctx.workdir / ("outbox-hung" if hang else "outbox-stopped")
    outbox.mkdir()
    env = ctx.env(redis_port=port, outbox=outbox)
    web = start_gunicorn(procs, ctx, env, workers=2)
    deputy2 = ctx.shell(
        "from deputies.models import Deputy; "
        "d = Deputy.objects.filter(user__email='deputy2@example.org', status='serving').first(); print(d.name)",
        env=env,
    ).splitlines()[-1]
    # The outage.
    if hang:
        os.kill(redis.pid, signal.SIGSTOP)
    else:
        procs.kill(redis)
    timings, slowest = {}, {}
    browser = Browser(web)
    logged_in = browser.login("deputy@example.org")
    timings["login"], slowest["login"] = logged_in.seconds, logged_in.slowest
    new_page = browser.get("/portal/suggestions/new/")
    fields = form_fields(new_page.text, 'name="title"')
    title = f"关于演练{'挂起' if hang else '停止'}消息队列的建议 {int(time.time())}"
    fields.update({"title": title, "body": "演练：消息队列不可用时保存草稿。", "action": "save"})
    if not fields.get("field"):
        raise DrillFailure(f"no field choice on the new-suggestion form ({new_page.status})")
    saved = browser.post("/portal/suggestions/new/", fields, follow=False)
    timings["save_draft"] = slowest["save_draft"] = saved.seconds
    location = saved.headers.get("Location", "")
    match = re.search(r"/portal/suggestions/(\d+)/", location)
    if saved.status != 302 or not match:
        raise DrillFailure(f"draft not saved: {saved.status} {saved.text[:300]}")
    pk = match.group(1)
    browser.get(location)
    invited = browser.post(f"/portal/suggestions/{pk}/cosigners/", {"names": deputy2}, follow=False)
    timings["invite_cosigner"] = slowest["invite_cosigner"] = invited.seconds
    shown = browser.get(invited.headers.get("Location", f"/portal/suggestions/{pk}/edit/"))
    message_shown = DEFERRED_TEXT in shown.text
    edit_fields = form_fields(shown.text, 'name="title"')
    edit_fields["action"] = "submit"
    submitted = browser.post(f"/portal/suggestions/{pk}/edit/", edit_fields, follow=False)
    timings["submit"] = slowest["submit"] = submitted.seconds
    status = db_query(MAIN_DB, "SELECT status FROM proposals_suggestion WHERE id = %s", [pk])[0][0]
    # The queue comes back; a worker and the scans deliver what was not queued.
    if hang:
        os.kill(redis.pid, signal.SIGCONT)
    else:
        restart_redis(procs, port)
    start_worker(procs, env, f"worker-{'hung' if hang else 'stopped'}")
    time.sleep(LEASE_SECONDS + 1)
    key = f"suggestion:{pk}:cosign:%"
    for _ in range(2):  # twice: the second pass must not send again
        ctx.manage("run_scans", env=env)

    def delivered():
        rows = db_query(
            MAIN_DB,
            "SELECT count(*) FROM notifications_notification WHERE key LIKE %s AND emailed_at IS NOT NULL",
            [key],
        )
        return rows[0][0] >= 1

    wait_for(delivered, 30, "the co-signing request to be e-mailed")
    time.sleep(2)
    wanted = db_query(MAIN_DB, "SELECT count(*) FROM notifications_notification WHERE key LIKE %s", [key])[0][0]
    emails = [m for m in sent_messages(outbox) if title in str(m["Subject"])]
    ok = (
        max(slowest.values()) < SAVE_LIMIT_SECONDS
        and message_shown
        and status == "submitted"
        and wanted == 1
        and len(emails) == 1
    )
    figures = {k: f"{v:.2f}s" for k, v in timings.items()}
    figures["slowest_request"] = f"{max(slowest.values()):.2f}s"
    figures.update({"message": "shown" if message_shown else "MISSING", "status": status, "emails": len(emails)})
    if not ok:
        raise DrillFailure(", ".join(f"{k}={v}" for k, v in figures.items()))
    return "PASS", figures


def _make_notifications(ctx: Context, env: dict, prefix: str, count: int, *, old: bool) -> None:
    ctx.shell(
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from accounts.models import User\n"
        "from notifications.models import Notification\n"
        "users = list(User.objects.filter(is_active=True, email__isnull=False).exclude(email='').order_by('pk')[:20])\n"
        f"when = timezone.now() - timedelta(minutes=30 if {old} else 0)\n"
        "Notification.objects.bulk_create([Notification(user=users[i % len(users)], "
        f"key=f'{prefix}:{{i}}', title=f'{prefix} {{i}}', want_email=True, created_at=when) for i in range({count})])\n",
        env=env,
    )


def _delivery_counts(outbox: Path, prefix: str) -> tuple[int, int, int]:
    """(notifications, sent once, sent more than once) for titles starting with prefix."""
    per_title = collections.Counter(
        str(m["Subject"]) for m in sent_messages(outbox) if str(m["Subject"]).startswith(prefix)
    )
    total = db_query(MAIN_DB, "SELECT count(*) FROM notifications_notification WHERE key LIKE %s", [f"{prefix}:%"])[0][
        0
    ]
    return total, sum(1 for c in per_title.values() if c == 1), sum(1 for c in per_title.values() if c > 1)


def drill_worker_killed(ctx: Context, procs: Processes) -> tuple[str, dict]:
    redis, port = start_redis(procs)
    outbox = ctx.workdir / "outbox-worker"
    outbox.mkdir()
    env = ctx.env(redis_port=port, outbox=outbox, DRILL_MAIL_DELAY="0.02")
    prefix, count = "drill-worker", 400
    _make_notifications(ctx, env, prefix, count, old=False)
    # Queue them all, then start a worker and kill it (every process of it) mid-run.
    ctx.shell(
        "from notifications.models import Notification\n"
        "from notifications.services import enqueue_delivery\n"
        f"ids = Notification.objects.filter(key__startswith='{prefix}:').values_list('pk', flat=True)\n"
        "assert all(enqueue_delivery(pk) for pk in ids)\n",
        env=env,
    )
    first = start_worker(procs, env, "worker-doomed", concurrency=4)
    wait_for(lambda: len(sent_messages(outbox)) >= count // 4, 60, "a quarter of the e-mails", interval=0.05)
    procs.kill(first, sig=signal.SIGKILL)
    at_kill = len(sent_messages(outbox))
    claimed_unsent = db_query(
        MAIN_DB,
        "SELECT count(*) FROM notifications_notification WHERE key LIKE %s AND email_claimed_at IS NOT NULL AND emailed_at IS NULL",
        [f"{prefix}:%"],
    )[0][0]
    start_worker(procs, env, "worker-second", concurrency=4)
    started = time.monotonic()

    def all_sent():
        time.sleep(LEASE_SECONDS / 2)
        ctx.manage("run_scans", env=env)
        left = db_query(
            MAIN_DB,
            "SELECT count(*) FROM notifications_notification WHERE key LIKE %s AND emailed_at IS NULL",
            [f"{prefix}:%"],
        )[0][0]
        return left == 0

    wait_for(all_sent, 120, "every notification to be e-mailed", interval=0)
    recovered = time.monotonic() - started
    time.sleep(LEASE_SECONDS + 1)
    ctx.manage("run_scans", env=env)  # after everything is sent: nothing more goes out
    time.sleep(2)
    total, once, twice = _delivery_counts(outbox, prefix)
    figures = {
        "notifications": total, "sent_at_kill": at_kill, "claimed_unsent_at_kill": claimed_unsent,
        "sent_once": once, "sent_twice+": twice, "recovered_in": f"{recovered:.1f}s",
    }  # fmt: skip
    if not (total == count and once == count and twice == 0):
        raise DrillFailure(", ".join(f"{k}={v}" for k, v in figures.items()))
    return "PASS", figures


def drill_two_beats(ctx: Context, procs: Processes) -> tuple[str, dict]:
    redis, port = start_redis(procs)
    outbox = ctx.workdir / "outbox-beats"
    outbox.mkdir()
    env = ctx.env(redis_port=port, outbox=outbox)
    # Nothing sent yet: every reminder that is due is made again, by two scans at once; and
    # old undelivered ones that both scans re-queue.
    db_query(MAIN_DB, "DELETE FROM notifications_notification")
    prefix = "drill-beats"
    _make_notifications(ctx, env, prefix, 100, old=True)
    start_worker(procs, env, "worker-beats", concurrency=2)
    scans = [
        subprocess.Popen(
            [PY, "manage.py", "run_scans"], cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [s.communicate(timeout=300) for s in scans]
    if any(s.returncode for s in scans):
        raise DrillFailure(f"run_scans failed: {[o[1][-500:] for o in outputs]}")
    duplicates = db_query(
        MAIN_DB,
        "SELECT count(*) FROM (SELECT user_id, key FROM notifications_notification GROUP BY 1, 2 HAVING count(*) > 1) d",
    )[0][0]
    made = db_query(MAIN_DB, "SELECT count(*) FROM notifications_notification")[0][0]
    third = ctx.manage("run_scans", env=env)

    def settled():
        left = db_query(
            MAIN_DB, "SELECT count(*) FROM notifications_notification WHERE want_email AND emailed_at IS NULL"
        )[0][0]
        return left == 0

    wait_for(settled, 120, "every reminder to be e-mailed", interval=0.5)
    time.sleep(2)
    rows = db_query(
        MAIN_DB,
        "SELECT u.email, n.title FROM notifications_notification n JOIN accounts_user u ON u.id = n.user_id WHERE n.want_email",
    )
    expected = collections.Counter((e, squeeze(t)) for e, t in rows)
    sent = outbox_counter(outbox)
    extra = sum((sent - expected).values())
    missing = sum((expected - sent).values())
    created_by_third = (
        sum(int(x) for x in re.findall(r": (\d+)", third.split("notifications.redeliver")[0])) if third else 0
    )
    figures = {
        "notifications": made, "duplicate_keys": duplicates, "emails": sum(sent.values()),
        "extra_emails": extra, "missing_emails": missing, "third_scan_new": created_by_third,
    }  # fmt: skip
    if duplicates or extra or missing or made < 100:
        raise DrillFailure(", ".join(f"{k}={v}" for k, v in figures.items()))
    return "PASS", figures


def _pick_detail(db: str) -> str:
    row = db_query(db, "SELECT id FROM proposals_suggestion WHERE published ORDER BY id LIMIT 1")
    if not row:
        raise DrillFailure("no published suggestion")
    return f"/proposals/{row[0][0]}/"


def drill_db_cut(ctx: Context, procs: Processes) -> tuple[str, dict]:
    redis, port = start_redis(procs)
    env = ctx.env(redis_port=port)
    web = start_gunicorn(procs, ctx, env, workers=3)
    detail = _pick_detail(MAIN_DB)
    if Browser(web).get(detail).status != 200:
        raise DrillFailure(f"{detail} does not answer 200 before the cut")
    deputy = Browser(web)
    deputy.login("deputy@example.org")
    form = form_fields(deputy.get("/portal/suggestions/new/").text, 'name="title"')
    statuses = collections.Counter()
    tag = f"断线演练建议{int(time.time())}"
    posts = {"sent": 0, "redirected": 0}
    phase = {"name": "before"}
    after = collections.Counter()
    stop = threading.Event()
    lock = threading.Lock()

    def load(n: int):
        browser = Browser(web, timeout=20)
        browser.cookies = dict(deputy.cookies)
        i = 0
        while not stop.is_set():
            i += 1
            # A request counts for the phase it started in (a slow one begun during the cut
            # may end after it).
            started_in = phase["name"]
            try:
                if n == 0:
                    data = {**form, "title": f"{tag} {n}-{i}", "body": "断线演练。", "action": "save"}
                    response = browser.post("/portal/suggestions/new/", data, follow=False)
                    with lock:
                        posts["sent"] += 1
                        posts["redirected"] += response.status == 302
                else:
                    response = browser.get(
                        ["/proposals/", detail, "/portal/", "/proposals/?q=" + urllib.parse.quote("交通")][i % 4]
                    )
                status = response.status
            except Exception as exc:  # noqa: BLE001
                status = type(exc).__name__
            with lock:
                statuses[status] += 1
                if started_in == "after":
                    after[status] += 1

    threads = [threading.Thread(target=load, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    try:
        time.sleep(2)
        phase["name"] = "cut"
        cuts = 0
        cut_until = time.monotonic() + 5
        while time.monotonic() < cut_until:
            admin_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [MAIN_DB],
            )
            cuts += 1
            time.sleep(0.25)
        time.sleep(2)  # one request per worker may still meet a cut connection
        phase["name"] = "after"
        time.sleep(4)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    made = db_query(MAIN_DB, "SELECT count(*) FROM proposals_suggestion WHERE title LIKE %s", [f"{tag}%"])[0][0]
    half = db_query(
        MAIN_DB,
        "SELECT count(*) FROM proposals_suggestion s WHERE s.title LIKE %s AND NOT EXISTS "
        "(SELECT 1 FROM proposals_suggestionevent e WHERE e.suggestion_id = s.id AND e.action = 'create')",
        [f"{tag}%"],
    )[0][0]
    bad = {k: v for k, v in statuses.items() if k not in (200, 302, 503)}
    after_bad = {k: v for k, v in after.items() if k not in (200, 302)}
    figures = {
        "cuts": cuts, "statuses": dict(statuses), "after_cut": dict(after), "posts": posts["sent"],
        "saved": made, "half_written": half,
    }  # fmt: skip
    ok = not bad and not after_bad and half == 0 and posts["redirected"] <= made <= posts["sent"] and statuses[503] > 0
    if not ok:
        raise DrillFailure(", ".join(f"{k}={v}" for k, v in figures.items()))
    return "PASS", figures


def drill_backup_restore(ctx: Context, procs: Processes) -> tuple[str, dict]:
    dump = ctx.workdir / "drill_main.dump"
    media_tar = ctx.workdir / "media.tar.gz"
    started = time.monotonic()
    subprocess.run(["pg_dump", "-Fc", "-h", "127.0.0.1", "-U", "postgres", "-f", str(dump), MAIN_DB], check=True)
    with tarfile.open(media_tar, "w:gz") as tar:
        tar.add(ctx.media_root, arcname="media")
    dump_seconds = time.monotonic() - started
    create_db(RESTORE_DB)
    started = time.monotonic()
    subprocess.run(
        [
            "pg_restore",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            RESTORE_DB,
            "--no-owner",
            "--exit-on-error",
            str(dump),
        ],
        check=True,
    )
    restored_media = ctx.workdir / "restored"
    with tarfile.open(media_tar) as tar:
        tar.extractall(restored_media, filter="data")
    restore_seconds = time.monotonic() - started
    tables = [r[0] for r in db_query(MAIN_DB, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
    differ, rows = [], 0
    for table in tables:
        a = db_query(MAIN_DB, f'SELECT count(*) FROM "{table}"')[0][0]
        b = db_query(RESTORE_DB, f'SELECT count(*) FROM "{table}"')[0][0]
        rows += a
        if a != b:
            differ.append(f"{table}: {a} != {b}")
    originals = sorted(p.relative_to(ctx.media_root) for p in ctx.media_root.rglob("*") if p.is_file())
    copies = sorted(
        p.relative_to(restored_media / "media") for p in (restored_media / "media").rglob("*") if p.is_file()
    )
    media_same = originals == copies and all(
        (ctx.media_root / p).read_bytes() == (restored_media / "media" / p).read_bytes() for p in originals
    )
    # Smoke: the site on the restored database and media.
    redis, port = start_redis(procs)
    env = ctx.env(db=RESTORE_DB, redis_port=port, MEDIA_ROOT=restored_media / "media")
    web = start_gunicorn(procs, ctx, env, workers=1, name="gunicorn-restored")
    browser = Browser(web)
    smoke = [browser.get("/proposals/").status, browser.get(_pick_detail(RESTORE_DB)).status]
    figures = {
        "tables": len(tables), "rows": rows, "tables_differing": len(differ), "media_files": len(originals),
        "dump_MB": round(dump.stat().st_size / 1e6, 1), "dump_s": round(dump_seconds, 1),
        "restore_s": round(restore_seconds, 1), "smoke": smoke,
    }  # fmt: skip
    if differ or not media_same or not originals or smoke != [200, 200]:
        raise DrillFailure(", ".join(f"{k}={v}" for k, v in figures.items()) + "; " + "; ".join(differ[:5]))
    return "PASS", figures


def _percentiles(values: list[float]) -> str:
    if not values:
        return "-"
    values = sorted(values)

    def p(q):
        return values[min(len(values) - 1, int(q * len(values)))] * 1000

    return f"p50 {p(0.5):.0f} p95 {p(0.95):.0f} p99 {p(0.99):.0f} ms"


def _hammer(port: int, paths_for, users: int, seconds: float, cookies_for) -> dict:
    results = collections.defaultdict(list)
    errors = collections.Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    barrier = threading.Barrier(users)

    def user(n: int):
        browser = Browser(port, timeout=60)
        browser.cookies = dict(cookies_for(n))
        paths = paths_for(n)
        barrier.wait()
        i = n
        while time.monotonic() < deadline:
            label, path = paths[i % len(paths)]
            i += 1
            started = time.monotonic()
            try:
                response = browser.get(path, follow=False)
                ok = response.status == 200
                status = response.status
            except Exception as exc:  # noqa: BLE001
                ok, status = False, type(exc).__name__
            elapsed = time.monotonic() - started
            with lock:
                if ok:
                    results[label].append(elapsed)
                else:
                    errors[(label, status)] += 1

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"results": results, "errors": errors, "seconds": time.monotonic() - started}


def drill_load(ctx: Context, procs: Processes, seconds: float, users: int = 50) -> tuple[str, dict]:
    redis, port = start_redis(procs)
    env = ctx.env(redis_port=port)
    web = start_gunicorn(procs, ctx, env, workers=4, name="gunicorn-load")
    hello = start_gunicorn(procs, ctx, {**env, "DRILL_HELLO": "1"}, workers=4, name="gunicorn-hello")
    detail = _pick_detail(MAIN_DB)
    deputy, staff = Browser(web), Browser(web)
    deputy.login("deputy@example.org")
    staff.login("staff@example.org")
    for b, path in ((deputy, "/portal/"), (staff, "/office/suggestions/")):
        r = b.get(path, follow=False)
        if r.status != 200:
            raise DrillFailure(f"{path} answers {r.status} before the load")
    anonymous = [("list", "/proposals/"), ("search", "/proposals/?q=" + urllib.parse.quote("交通")), ("detail", detail)]

    def paths_for(n):
        if n % 5 == 3:
            return [("portal_home", "/portal/")]
        if n % 5 == 4:
            return [("staff_list", "/office/suggestions/")]
        return anonymous

    def cookies_for(n):
        return deputy.cookies if n % 5 == 3 else staff.cookies if n % 5 == 4 else {}

    mixed = _hammer(web, paths_for, users, seconds, cookies_for)
    baseline = _hammer(hello, lambda n: [("hello", "/hello/")], users, min(seconds, 30), lambda n: {})
    lines = []
    for label in ("list", "search", "detail", "portal_home", "staff_list"):
        values = mixed["results"][label]
        lines.append(f"{label}: {len(values)} req, {_percentiles(values)}")
    total = sum(len(v) for v in mixed["results"].values())
    hello_values = baseline["results"]["hello"]
    figures = {
        "users": users,
        "seconds": round(mixed["seconds"]),
        "req/s": round(total / mixed["seconds"], 1),
        "all": _percentiles([x for v in mixed["results"].values() for x in v]),
        "errors": sum(mixed["errors"].values()) + sum(baseline["errors"].values()),
        "hello": f"{len(hello_values) / baseline['seconds']:.0f} req/s, {_percentiles(hello_values)}",
        "per_page": lines,
    }
    if figures["errors"]:
        figures["error_detail"] = dict(list(mixed["errors"].items())[:5])
        raise DrillFailure(str(figures))
    return "PASS", figures


DRILLS = {
    "redis_stopped": ("login, draft save, co-signer invite, submit with Redis stopped (<3 s each, message shown); "
                      "reminder e-mailed once after restart", lambda c, p, a: drill_redis(c, p, hang=False)),
    "redis_hung": ("the same with Redis SIGSTOPped (hung), then SIGCONT", lambda c, p, a: drill_redis(c, p, hang=True)),
    "worker_killed": ("400 e-mails queued, worker SIGKILLed mid-run, second worker + scans after the lease: "
                      "each sent exactly once", lambda c, p, a: drill_worker_killed(c, p)),
    "two_beats": ("two run_scans at once (+100 old undelivered): no duplicate key, no duplicate or missing e-mail",
                  lambda c, p, a: drill_two_beats(c, p)),
    "db_cut": ("pg_terminate_backend every 0.25 s for 5 s under load: only 200/302/503, all 200 after, "
               "no half-written suggestion", lambda c, p, a: drill_db_cut(c, p)),
    "backup_restore": ("pg_dump -Fc + media tar -> pg_restore: row counts of every table equal, media equal, "
                       "site on the copy answers 200", lambda c, p, a: drill_backup_restore(c, p)),
    "load": ("50 users: public list, search, detail, portal home, staff list; 0 errors; beside a hello view",
             lambda c, p, a: drill_load(c, p, a.load_seconds, a.users)),
}  # fmt: skip


def print_table(rows: list[tuple]) -> None:
    def cell(value) -> str:
        if isinstance(value, dict):
            parts = []
            for k, v in value.items():
                parts.append(f"{k}: " + ("; ".join(map(str, v)) if isinstance(v, list) else str(v)))
            return ", ".join(parts)
        return str(value)

    print("\n| drill | what was checked | result | figures |")
    print("| --- | --- | --- | --- |")
    for name, what, result, figures in rows:
        print(f"| {name} | {what} | {result} | {cell(figures)} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--load-seconds", type=float, default=120, help="duration of the load drill (default 120)")
    parser.add_argument("--users", type=int, default=50, help="concurrent users in the load drill (default 50)")
    parser.add_argument("--only", default="", help="comma-separated drills to run (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and drill_main afterwards")
    parser.add_argument("--reuse", metavar="FOLDER", help="reuse drill_main and the work folder a --keep run left")
    args = parser.parse_args()
    wanted = [n for n in DRILLS if not args.only or n in args.only.split(",")]
    workdir = Path(args.reuse) if args.reuse else Path(tempfile.mkdtemp(prefix="drills-"))
    for leftover in workdir.glob("outbox-*"):
        shutil.rmtree(leftover)
    ctx = Context(workdir)
    rows = []
    started = time.monotonic()
    try:
        print(f"== setup: {MAIN_DB} (migrate, seed_demo, seed_proposals); work folder {workdir}", flush=True)
        setup = {"reused": str(workdir)} if args.reuse else prepare_main_db(ctx)
        print(f"   {setup}", flush=True)
        for name in wanted:
            what, run = DRILLS[name]
            procs = Processes(workdir)
            print(f"== {name}", flush=True)
            t0 = time.monotonic()
            try:
                result, figures = run(ctx, procs, args)
            except Exception as exc:  # noqa: BLE001 - a failed drill is a row, not the end
                traceback.print_exc()
                result, figures = "FAIL", {"error": str(exc)[:400]}
            finally:
                procs.stop_all()
                if name == "backup_restore":
                    drop_db(RESTORE_DB)
            figures = {**figures, "took": f"{time.monotonic() - t0:.0f}s"} if isinstance(figures, dict) else figures
            print(f"   {result} {figures}", flush=True)
            rows.append((name, what, result, figures))
    finally:
        drop_db(RESTORE_DB)
        if not args.keep:
            drop_db(MAIN_DB)
        if args.keep:
            print(f"work folder kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print_table(rows)
    print(f"\nall drills: {time.monotonic() - started:.0f}s")
    return 0 if rows and all(r[2] == "PASS" for r in rows) and len(rows) == len(wanted) else 1


if __name__ == "__main__":
    sys.exit(main())
