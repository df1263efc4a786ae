"""`make bench`: the performance figures at the sizes the performance issue names, on PostgreSQL.

    .venv/bin/python scripts/bench/run.py                # everything (about 15 minutes on 2 cores)
    KEEP_DB=1 .venv/bin/python scripts/bench/run.py      # keep the databases afterwards
    .venv/bin/python scripts/bench/run.py --reuse        # keep data a KEEP_DB=1 run left (public db)
    .venv/bin/python scripts/bench/run.py --only http    # only the HTTP part (or: --only steps)
    KEEP_DB=1 .venv/bin/python scripts/bench/run.py --reuse --step director   # only these steps
    BENCH_SECONDS=30 BENCH_CONNECTIONS=32 ...            # length of each load measurement, connections

1. HTTP. Builds 100,000 suggestions in its own database (``portal_bench_http``) with
   scripts/bench_public.py's ``build()`` (or, without that file, ``manage.py bench_proposals``'s
   bulk builder), runs collectstatic and serves the project with gunicorn (sync workers, DEBUG
   off, 127.0.0.1) under ``scripts.bench.settings``: production settings plus a trivial "hello"
   view (``/__bench__/hello/``) through the whole middleware stack, the baseline. A real HTTP load
   generator (``wrk``; without it a threaded Python client, noted in the table) drives each page
   with 32 connections for BENCH_SECONDS (15) after a 2 s warm-up: /proposals/, ?q=交通, ?q=养老,
   a detail page, /proposals/feed/, each between two hello runs (BENCH_HELLO_SECONDS, 5): a page's
   ratio is to the mean of the hello runs beside it, as the machine's load drifts.
   Twice: "uncached" (a server whose every cache is Django's DummyCache and whose page cache is
   off) and "cached" (the production cache: a redis-server of its own, or local memory).
2. Steps. Runs the other benchmark scripts as subprocesses when they exist, each on a database
   of its own: scripts/bench_office.py (dashboard, office list, scans), then
   scripts/bench_archive_summaries.py --reuse on the office's database (the archive over 10,000
   deputies and 1,000,000 participations: the same builder, so it is not built twice),
   scripts/bench/director_dashboard.py --reuse on the office's database too (the director's
   dashboard, /dashboard/), scripts/bench_import.py (10,000 rows); with BENCH_PUBLIC_INPROCESS=1 also
   scripts/bench_public.py --skip-build (in-process timings on the HTTP part's data; minutes). Their ``BENCH <name> <value> <unit>`` lines are collected; a missing or failing script
   is a FAIL row, the rest still runs.
3. Prints one table (workload | value | goal | ratio to hello | result) and one
   ``BENCH <name> <value> <unit>`` line per figure. Exit status 0 even when goals fail (the
   machine may be busy; read the ratios), 1 when the harness itself broke.

Every process started here is killed and every database created here dropped in ``finally``
(unless KEEP_DB=1). The databases' names all contain "bench".
"""

import argparse
import collections
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from psycopg2 import sql

PROJECT = Path(__file__).resolve().parents[2]
BENCH_DIR = Path(__file__).resolve().parent
VENV_PY = PROJECT / ".venv" / "bin" / "python"
PY = str(VENV_PY) if VENV_PY.exists() else sys.executable
GUNICORN = str(Path(PY).parent / "gunicorn")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PUBLIC_DB = "portal_bench_http"
HELLO_PATH = "/__bench__/hello/"
BENCH_LINE = re.compile(r"^BENCH\s+(\S+)\s+(-?[0-9.]+(?:e-?\d+)?)\s+(\S+)", re.M)

SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "2"))
HELLO_SECONDS = float(os.environ.get("BENCH_HELLO_SECONDS", str(max(5.0, SECONDS / 3))))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
COUNT = int(os.environ.get("BENCH_COUNT", "100000"))
STEP_TIMEOUT = float(os.environ.get("BENCH_STEP_TIMEOUT", "600"))
KEEP_DB = os.environ.get("KEEP_DB") == "1"


# --- processes and databases ------------------------------------------------------------------


class Processes:
    """Every long-running process started here; each is killed (its process group) at the end."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            command, cwd=PROJECT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        process.log_file = log
        process.log_path = self.workdir / f"{name}.log"
        self.started.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        process.log_file.close()
        if process in self.started:
            self.started.remove(process)

    def stop_all(self) -> None:
        for process in reversed(list(self.started)):
            try:
                self.kill(process)
            except Exception:  # noqa: BLE001 - stop the rest regardless
                traceback.print_exc()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerDied(RuntimeError):
    pass


def wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except ServerDied:
            raise
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.25)
    raise RuntimeError(f"timed out waiting for {what}")


def admin_sql(statement) -> None:
    conn = psycopg2.connect(f"{PG}/postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(statement)
    finally:
        conn.close()


def checked(name: str) -> str:
    if "bench" not in name or not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"refusing database {name!r}: its name must contain 'bench'")
    return name


def create_db(name: str) -> None:
    drop_db(name)
    admin_sql(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(checked(name))))


def drop_db(name: str) -> None:
    admin_sql(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(checked(name))))


def db_value(name: str, query: str):
    try:
        conn = psycopg2.connect(f"{PG}/{checked(name)}")
    except psycopg2.OperationalError:
        return None
    try:
        with conn.cursor() as cur:
            cur.execute(query)
            row = cur.fetchone()
            return row[0] if row else None
    except psycopg2.Error:
        return None
    finally:
        conn.close()


def base_env(db: str, **extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "scripts.bench.settings",
        "PYTHONPATH": str(PROJECT),
        "DATABASE_URL": f"{PG}/{db}",
        "SECRET_KEY": "bench-only-not-a-secret",
        "PERSONAL_DATA_KEY": "bench-only-personal-data-key",
        "DEBUG": "0",
        "PORTAL_TESTING": "0",
        "REQUIRE_STAFF_MFA": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE": "60",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run(command: list[str], env: dict, timeout: float, what: str) -> str:
    result = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed (rc {result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return result.stdout


# --- HTTP load ----------------------------------------------------------------------------------

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass
class Load:
    requests: int = 0
    seconds: float = 0.0
    errors: int = 0
    p50: float = 0.0  # ms
    p95: float = 0.0
    p99: float = 0.0
    error_detail: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk(url: str, seconds: float, connections: int, script: Path) -> Load:
    threads = str(max(1, min(2, connections)))
    out = subprocess.run(
        ["wrk", "-t", threads, "-c", str(connections), "-d", f"{seconds:g}s", "--timeout", "10s", "-s", str(script),
         url],
        capture_output=True, text=True, timeout=seconds + 60,
    ).stdout  # fmt: skip
    match = re.search(r"^WRK (.+)$", out, re.M)
    if not match:
        raise RuntimeError(f"wrk printed no summary:\n{out[-1500:]}")
    req, dur, connect, read, write, status, timeout, p50, p95, p99 = (int(x) for x in match.group(1).split())
    errors = connect + read + write + status + timeout
    detail = f"connect {connect}, read {read}, write {write}, non-2xx/3xx {status}, timeout {timeout}" if errors else ""
    return Load(req, dur / 1e6, errors, p50 / 1000, p95 / 1000, p99 / 1000, detail)


def python_load(url: str, seconds: float, connections: int) -> Load:
    """Fallback without wrk: keep-alive connections, one thread each (the client shares the CPU)."""
    parts = urllib.parse.urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = collections.Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(connections + 1)
    stop = threading.Event()

    def client():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine, bad = [], collections.Counter()
        barrier.wait()
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                conn.request("GET", target)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    bad[str(response.status)] += 1
                else:
                    mine.append(time.perf_counter() - t0)
            except Exception as exc:  # noqa: BLE001 - counted, connection renewed
                bad[type(exc).__name__] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.update(bad)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.monotonic()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=15)
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0

    total_errors = sum(errors.values())
    return Load(
        len(latencies), elapsed, total_errors, pct(0.5), pct(0.95), pct(0.99), str(dict(errors)) * bool(total_errors)
    )


class Loader:
    def __init__(self, workdir: Path):
        self.use_wrk = shutil.which("wrk") is not None and os.environ.get("BENCH_LOADGEN") != "python"
        self.name = "wrk" if self.use_wrk else "python threads"
        self.script = workdir / "summary.lua"
        self.script.write_text(WRK_SCRIPT)

    def __call__(self, url: str, seconds: float) -> Load:
        if self.use_wrk:
            return wrk(url, seconds, CONNECTIONS, self.script)
        return python_load(url, seconds, CONNECTIONS)


def get_status(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def warm_workers(port: int, path: str) -> None:
    """Every worker serves the page at least once before it is timed (the first search in a
    process loads jieba's dictionary: seconds): 3 concurrent requests per worker, twice."""

    def one():
        try:
            get_status(port, path)
        except Exception:  # noqa: BLE001 - warming only
            pass

    for _ in range(2):
        threads = [threading.Thread(target=one, daemon=True) for _ in range(3 * WORKERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)


def drain(port: int, timeout: float = 120) -> None:
    """Wait until the server is idle: gunicorn still answers requests whose client has gone, so
    the next measurement would queue behind the last one's backlog."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        t0 = time.perf_counter()
        try:
            get_status(port, HELLO_PATH)
        except Exception:  # noqa: BLE001 - try again
            pass
        if time.perf_counter() - t0 < 0.25:
            return
    print(f"   (the server did not drain within {timeout:.0f} s)", flush=True)


def start_gunicorn(procs: Processes, env: dict, name: str) -> int:
    port = free_port()
    process = procs.start(
        name,
        [GUNICORN, "config.wsgi", "-k", "sync", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--no-control-socket",
         "--timeout", "60", "--graceful-timeout", "5", "--backlog", "2048"],
        env,
    )  # fmt: skip

    def up():
        if process.poll() is not None:
            raise ServerDied(f"gunicorn exited: {process.log_path.read_text().strip().splitlines()[-8:]}")
        return get_status(port, HELLO_PATH) == 200

    wait_for(up, 90, f"gunicorn {name} on {port}")
    return port


def start_redis(procs: Processes) -> int | None:
    if not shutil.which("redis-server") or os.environ.get("BENCH_CACHE") == "locmem":
        return None
    port = free_port()
    procs.start(
        f"redis-{port}",
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        dict(os.environ),
    )

    def ping():
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")

    wait_for(ping, 20, f"redis-server on {port}")
    return port


# --- results ------------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    source: str = ""


@dataclass
class Row:
    workload: str
    value: str
    goal: str = "—"
    ratio: str = "—"
    result: str = "—"


@dataclass
class Results:
    figures: dict = field(default_factory=dict)  # name -> Figure
    rows: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def add(self, name: str, value: float, unit: str, source: str = "") -> None:
        self.figures[name] = Figure(name, value, unit, source)
        print(f"BENCH {name} {value:.6g} {unit}", flush=True)


# The public workloads: (key, label, path template, uncached share of hello, cached share, p99 limit ms)
PUBLIC = [
    ("public_list", "public list /proposals/", "/proposals/", 0.11, 0.40, 100),
    ("public_search", "search ?q=交通", "/proposals/?q=" + urllib.parse.quote("交通"), 0.08, 0.40, 100),
    ("public_search_yanglao", "search ?q=养老", "/proposals/?q=" + urllib.parse.quote("养老"), 0.08, 0.40, 100),
    ("public_detail", "detail /proposals/{detail}/", "/proposals/{detail}/", 0.30, 0.40, None),
    ("public_feed", "Atom feed /proposals/feed/", "/proposals/feed/", 0.30, 0.30, None),
]


def fmt(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def measure_pass(results: Results, loader: Loader, port: int, detail: str, suffix: str, label: str) -> None:
    """hello, then each public page followed by hello again, on one server. Each page is compared
    with the hello runs just before and after it (the machine's load drifts over minutes)."""
    base = f"http://127.0.0.1:{port}"
    paths = {key: tpl.format(detail=detail) for key, _, tpl, *_ in PUBLIC}
    status = get_status(port, HELLO_PATH)
    if status != 200:
        raise RuntimeError(f"{HELLO_PATH} answers {status} on the {label} server")

    def one(path: str, seconds: float = SECONDS) -> Load:
        status = get_status(port, path)
        if status != 200:
            raise RuntimeError(f"{path} answers {status} (log: {label} server's)")
        warm_workers(port, path)
        loader(base + path, WARMUP)
        drain(port)
        try:
            return loader(base + path, seconds)
        finally:
            drain(port)

    print(f"== {label}: hello", flush=True)
    hellos = [one(HELLO_PATH, HELLO_SECONDS)]
    loads = {}
    for key, title, *_ in PUBLIC:
        print(f"== {label}: {title}, then hello", flush=True)
        try:
            loads[key] = one(paths[key])
        except Exception as exc:  # noqa: BLE001 - a broken workload is a FAIL row
            loads[key] = exc
        hellos.append(one(HELLO_PATH, HELLO_SECONDS))
    hello_rps = sum(h.rps for h in hellos) / len(hellos)

    def latency(load: Load) -> str:
        return f"(p50 {fmt(load.p50)} / p95 {fmt(load.p95)} / p99 {fmt(load.p99)} ms)"

    results.add(f"hello{suffix}_rps", hello_rps, "req/s")
    results.add(f"hello{suffix}_min_rps", min(h.rps for h in hellos), "req/s")
    results.add(f"hello{suffix}_max_rps", max(h.rps for h in hellos), "req/s")
    for q in ("p50", "p95", "p99"):
        results.add(f"hello{suffix}_{q}_ms", sorted(getattr(h, q) for h in hellos)[len(hellos) // 2], "ms")
    hello_errors = sum(h.errors for h in hellos)
    middle = sorted(hellos, key=lambda h: h.rps)[len(hellos) // 2]
    results.rows.append(
        Row(
            f"hello ({label}) `hello{suffix}_rps`",
            f"{fmt(hello_rps)} req/s (mean of {len(hellos)} runs, {fmt(min(h.rps for h in hellos))}–"
            f"{fmt(max(h.rps for h in hellos))}) {latency(middle)}",
            "baseline",
            "100%",
            f"FAIL ({hello_errors} errors)" if hello_errors else "—",
        )
    )
    cached = bool(suffix)
    for i, (key, title, _, share_uncached, share_cached, p99_limit) in enumerate(PUBLIC):
        load = loads[key]
        share = share_cached if cached else share_uncached
        name = f"{key}{suffix}_rps"
        goal = f"≥ {share:.0%} of hello"
        if isinstance(load, Exception):
            results.rows.append(Row(f"{title} ({label}) `{name}`", f"error: {load}"[:200], goal, "—", "FAIL"))
            continue
        neighbours = (hellos[i].rps + hellos[i + 1].rps) / 2
        ratio = load.rps / neighbours if neighbours else 0.0
        results.add(name, load.rps, "req/s")
        results.add(f"{key}{suffix}_hello_ratio", ratio, "x")
        for q in ("p50", "p95", "p99"):
            results.add(f"{key}{suffix}_{q}_ms", getattr(load, q), "ms")
        if load.errors:
            results.add(f"{key}{suffix}_errors", load.errors, "requests")
        result = "PASS" if ratio >= share and not load.errors else "FAIL"
        if load.errors:
            result += f" ({load.errors} errors: {load.error_detail})"
        results.rows.append(
            Row(f"{title} ({label}) `{name}`", f"{fmt(load.rps)} req/s {latency(load)}; hello beside it "
                f"{fmt(neighbours)}", goal, f"{ratio:.1%}", result)
        )  # fmt: skip
        if p99_limit:
            results.rows.append(
                Row(f"{title} ({label}) p99 `{key}{suffix}_p99_ms`", f"{fmt(load.p99)} ms", f"< {p99_limit} ms", "—",
                    "PASS" if load.p99 < p99_limit else "FAIL")
            )  # fmt: skip


def http_part(results: Results, procs: Processes, workdir: Path, reuse: bool) -> None:
    t0 = time.monotonic()
    have = db_value(PUBLIC_DB, "SELECT count(*) FROM proposals_suggestion") if reuse else None
    env = base_env(PUBLIC_DB)
    if have and have >= COUNT:
        print(f"== public data: reusing {PUBLIC_DB} ({have:,} suggestions); migrate", flush=True)
        run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env, 900, "migrate")
        builder = "reused"
    else:
        print(f"== public data: {COUNT:,} suggestions in {PUBLIC_DB} (create, migrate, build)", flush=True)
        create_db(PUBLIC_DB)
        run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env, 900, "migrate")
        out = run([PY, "-m", "scripts.bench.build_public", "--count", str(COUNT)], env, 1800, "building the data")
        built = re.search(r"^BUILT (\d+) (\d+) (\S+)", out, re.M)
        builder = built.group(3) if built else "?"
        print(f"   {built.group(0) if built else out[-500:]}", flush=True)
    build_s = time.monotonic() - t0
    results.add("public_build_s", build_s, "s")
    total = db_value(PUBLIC_DB, "SELECT count(*) FROM proposals_suggestion") or 0
    published = db_value(PUBLIC_DB, "SELECT count(*) FROM proposals_suggestion WHERE published") or 0
    detail = db_value(
        PUBLIC_DB, "SELECT id FROM proposals_suggestion WHERE published ORDER BY published_at DESC, id DESC LIMIT 1"
    )
    if not detail:
        raise RuntimeError("no published suggestion to request")
    results.rows.append(
        Row("public data (suggestions / published)", f"{total:,} / {published:,} in {build_s:.0f} s ({builder})",
            f"≥ {COUNT:,}", "—", "PASS" if total >= COUNT else "FAIL")
    )  # fmt: skip

    static_root = workdir / "static"
    run([PY, "manage.py", "collectstatic", "--noinput", "-v", "0"], {**env, "BENCH_STATIC_ROOT": str(static_root)}, 600,
        "collectstatic")  # fmt: skip
    loader = Loader(workdir)
    results.notes.append(
        f"load generator: {loader.name}, {CONNECTIONS} connections, {SECONDS:g} s per measurement after {WARMUP:g} s "
        f"warm-up; gunicorn sync, {WORKERS} workers, DEBUG off, 127.0.0.1"
    )
    server_env = {**env, "BENCH_STATIC_ROOT": str(static_root)}

    # Uncached: nothing is ever cached (DummyCache), the page cache is off.
    uncached_env = {**server_env, "BENCH_CACHE": "dummy", "PROPOSALS_PAGE_CACHE": "0",
                    "PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS": "0", "PROPOSALS_PUBLIC_STATS_CACHE_SECONDS": "0"}  # fmt: skip
    port = start_gunicorn(procs, uncached_env, "gunicorn-uncached")
    server = procs.started[-1]
    try:
        measure_pass(results, loader, port, f"{detail}", "", "uncached")
    finally:
        procs.kill(server)

    # Cached: the production cache (Redis when there is a redis-server, else local memory per worker).
    redis_port = start_redis(procs)
    cached_env = dict(server_env)
    cached_env.pop("BENCH_CACHE", None)
    if redis_port:
        cached_env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    results.notes.append(
        "cached pass: " + (f"own redis-server on {redis_port}" if redis_port else "local-memory cache per worker")
    )
    port = start_gunicorn(procs, cached_env, "gunicorn-cached")
    measure_pass(results, loader, port, f"{detail}", "_cached", "cached")


# --- the other engineers' scripts ----------------------------------------------------------------


@dataclass
class Step:
    key: str
    script: str
    args: list
    env: dict
    databases: list  # created by the script under a name given here; dropped at the end


def steps(reuse: bool) -> list[Step]:
    office_db, import_db = "portal_bench_office", "perf_import_bench_make"
    public = (
        []
        if os.environ.get("BENCH_PUBLIC_INPROCESS") != "1"
        else [
            Step(
                "public (in-process)",
                "scripts/bench_public.py",
                ["--skip-build", "--runs", os.environ.get("BENCH_PUBLIC_RUNS", "20")],
                {"BENCH_DATABASE_URL": f"{PG}/{PUBLIC_DB}"},
                [],
            ),
        ]
    )
    return [
        *public,
        Step("office", "scripts/bench_office.py", ["--reuse"] if reuse else [], {"BENCH_DATABASE_URL": f"{PG}/{office_db}"}, [office_db]),
        # The office's database holds the archive's data too (the same bench_archive builder and sizes):
        # --reuse finds it there instead of building it again (and builds it when it is not).
        Step("archive", "scripts/bench_archive_summaries.py", ["--reuse"],
             {"BENCH_DATABASE_URL": f"{PG}/{office_db}"}, [office_db]),
        # The director's dashboard over the same data (--reuse: built here only when the office's step did not).
        Step("director", "scripts/bench/director_dashboard.py", ["--reuse"],
             {"BENCH_DATABASE_URL": f"{PG}/{office_db}"}, [office_db, f"{office_db}_small"]),
        Step("import", "scripts/bench_import.py", [], {"PERF_IMPORT_DB": import_db}, [import_db, f"{import_db}_template"]),
    ]  # fmt: skip


def run_step(results: Results, step: Step, workdir: Path) -> None:
    path = PROJECT / step.script
    if not path.exists():
        results.rows.append(Row(f"step {step.key}: {step.script}", "missing", "runs", "—", "FAIL (missing)"))
        return
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **step.env}
    for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"):
        env.pop(k, None)
    print(f"== step {step.key}: {step.script} {' '.join(step.args)}", flush=True)
    log_path = workdir / f"step-{step.key.split()[0]}.log"
    lines: list[str] = []
    t0 = time.monotonic()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [PY, step.script, *step.args], cwd=PROJECT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )  # fmt: skip

        def reader():
            for line in process.stdout:
                lines.append(line)
                log.write(line)
                print(f"   | {line.rstrip()}", flush=True)

        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        try:
            rc = process.wait(timeout=STEP_TIMEOUT)
        except subprocess.TimeoutExpired:
            rc = f"timeout after {STEP_TIMEOUT:.0f} s"
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            thread.join(timeout=10)
    took = time.monotonic() - t0
    out = "".join(lines)
    err = "\n".join(line for line in lines if line.strip())
    found = BENCH_LINE.findall(out)
    for name, value, unit in found:
        results.add(name, float(value), unit, step.key)
    status = "ok" if rc == 0 else f"FAIL (rc {rc}: {err.strip().splitlines()[-1][:150] if err.strip() else ''})"
    results.rows.append(
        Row(f"step {step.key}: {step.script}", f"{len(found)} figures in {took:.0f} s", "runs", "—",
            "PASS" if rc == 0 else status)
    )  # fmt: skip
    print(f"   {status}, {len(found)} figures, {took:.0f} s (log {log_path})", flush=True)


# Goals on the steps' figures: (label, pattern over BENCH names, limit, unit). Every pattern must match.
STEP_GOALS = [
    ("archive sorted", r"^archive_sorted_ms$", 50, "ms"),
    ("archive no activity", r"^archive_\w*no_activity\w*_ms$", 50, "ms"),
    ("archive page 100", r"^archive_page_?100\w*_ms$", 50, "ms"),
    ("dashboard", r"^dashboard_ms$", 30, "ms"),
    ("director's dashboard", r"^director_dashboard_ms$", 30, "ms"),
    ("office list page 1", r"^office_list(_page_?1|_p1|_first)?_ms$", 50, "ms"),
    ("office list page 50", r"^office_list_(page_?50|p50_page|p50)\w*_ms$", 50, "ms"),
    ("scan first pass", r"^scan_first\w*_s$", 5, "s"),
    ("scan repeat", r"^scan_repeat\w*_s$", 1, "s"),
    ("import 10k", r"^import_10k_s$", 5, "s"),
]


def goal_rows(results: Results, subset: bool = False) -> None:
    """A row per goal; a goal without its figure is a FAIL, unless only some steps ran (``--step``)."""
    used = set()
    for label, pattern, limit, unit in STEP_GOALS:
        names = [n for n in results.figures if re.match(pattern, n) and "floor" not in n and n not in used]
        if not names and not subset:
            results.rows.append(Row(f"{label} `{pattern.strip('^$')}`", "missing", f"< {limit} {unit}", "—",
                                    "FAIL (missing)"))  # fmt: skip
        for name in names:
            used.add(name)
            fig = results.figures[name]
            value = f"{fmt(fig.value)} {fig.unit}"
            # The same run's SQL floor beside the figure (its queries straight through the cursor).
            floor_name = f"{name.removesuffix('_ms')}_sql_floor_ms"
            floor = results.figures.get(floor_name)
            if floor is not None and fig.unit == "ms":
                used.add(floor_name)
                ratio = f", page {fig.value / floor.value:.1f}× floor" if floor.value else ""
                value += f" (SQL floor `{floor_name}` {fmt(floor.value)} ms{ratio})"
            count = results.figures.get(f"{name.removesuffix('_ms')}_queries")
            if count is not None:
                used.add(f"{name.removesuffix('_ms')}_queries")
                value += f", {count.value:.0f} queries"
                small = results.figures.get(f"{name.removesuffix('_ms')}_small_queries")
                if small is not None:
                    used.add(f"{name.removesuffix('_ms')}_small_queries")
                    value += f" ({small.value:.0f} on small data)"
            results.rows.append(Row(f"{label} `{name}`", value, f"< {limit} {unit}", "—",
                                    "PASS" if fig.value < limit else "FAIL"))  # fmt: skip
    others = collections.defaultdict(list)
    for name, fig in results.figures.items():
        if fig.source and name not in used:
            others[fig.source].append(f"{name} {fmt(fig.value)} {fig.unit}")
    for source, figures in others.items():
        results.rows.append(Row(f"{source}: figures without a goal", "; ".join(figures)))


def print_table(results: Results, took: float) -> None:
    print("\n| workload | value | goal | ratio to hello | result |")
    print("| --- | --- | --- | --- | --- |")
    for r in results.rows:
        print(f"| {r.workload} | {r.value} | {r.goal} | {r.ratio} | {r.result} |")
    print()
    for note in results.notes:
        print(f"- {note}")
    failed = sum(r.result.startswith("FAIL") for r in results.rows)
    passed = sum(r.result.startswith("PASS") for r in results.rows)
    print(f"- {passed} PASS, {failed} FAIL; whole run {took / 60:.1f} min")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="reuse the data a KEEP_DB=1 run left")
    parser.add_argument("--only", choices=["http", "steps"], help="run only one part")
    parser.add_argument(
        "--step", action="append", metavar="KEY",
        help="run only this step (repeatable; office, archive, director, import; implies --only steps)",
    )  # fmt: skip
    args = parser.parse_args()
    reuse = args.reuse or os.environ.get("BENCH_REUSE") == "1"
    started = time.monotonic()
    step_list = steps(reuse)
    if args.step:
        keys = {s.key.split()[0] for s in step_list}
        if unknown := set(args.step) - keys:
            parser.error(f"unknown step {', '.join(sorted(unknown))} (steps: {', '.join(sorted(keys))})")
        step_list = [s for s in step_list if s.key.split()[0] in args.step]
        args.only = "steps"
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    procs = Processes(workdir)
    results = Results()
    broken = False
    print(f"== make bench: work folder {workdir}", flush=True)
    try:
        if args.only != "steps":
            try:
                http_part(results, procs, workdir, reuse)
            except Exception as exc:  # noqa: BLE001 - report, then run the steps
                traceback.print_exc()
                broken = True
                results.rows.append(Row("HTTP part", f"error: {exc}"[:300], "runs", "—", "FAIL"))
            finally:
                procs.stop_all()
        if args.only != "http":
            for step in step_list:
                try:
                    run_step(results, step, workdir)
                except Exception as exc:  # noqa: BLE001 - one step failing is a row
                    traceback.print_exc()
                    results.rows.append(Row(f"step {step.key}", f"error: {exc}"[:300], "runs", "—", "FAIL"))
            goal_rows(results, subset=bool(args.step))
        took = time.monotonic() - started
        results.add("bench_total_s", took, "s")
        print_table(results, took)
        shutil.rmtree(workdir / "static", ignore_errors=True)
        print(f"- logs: {workdir}")
    finally:
        procs.stop_all()
        if KEEP_DB:
            print(
                "- KEEP_DB=1: kept "
                + ", ".join(dict.fromkeys([PUBLIC_DB, *(db for s in step_list for db in s.databases)]))
            )
        else:
            for name in dict.fromkeys([PUBLIC_DB, *(db for s in step_list for db in s.databases)]):
                try:
                    drop_db(name)
                except Exception:  # noqa: BLE001 - drop the rest regardless
                    traceback.print_exc()
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
