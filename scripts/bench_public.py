"""Time the public suggestion pages in-process against the framework's floor.

    .venv/bin/python scripts/bench_public.py                 # build 100,000 items, then time
    .venv/bin/python scripts/bench_public.py --skip-build    # time the data already there
    COUNT=20000 RUNS=100 .venv/bin/python scripts/bench_public.py

Works on its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/perf_public_bench; the name must contain "bench"): ``build``
drops and recreates it, migrates, fills it with ``demo``'s bulk builder (``build_dataset``) and
runs VACUUM ANALYZE. Then each page is requested through the full middleware with Django's test
client, ``RUNS`` times (median and p95), without the page cache and with it, next to a trivial
"hello" view served through the same middleware (a temporary urlconf defined here, never part of
the site). Prints ``BENCH <name> <value> ms`` lines and each page's rate as a share of hello's.
"Uncached" means the page cache off (the statistics' figures and the filter lists stay cached,
as in production); the page cache uses the configured cache: Redis with ``REDIS_URL`` (e.g.
``REDIS_URL=redis://127.0.0.1:6379/9``), local memory without.

``build(count)`` is importable (``make bench`` reuses it): it expects Django configured for the
scratch database, as ``setup()`` does.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/perf_public_bench"


def setup(url: str | None = None) -> None:
    """Point Django at the scratch database and start it (call before importing models)."""
    url = url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    name = url.rsplit("/", 1)[-1].split("?", 1)[0]
    if "bench" not in name:
        sys.exit(f"bench_public: refusing database {name!r}: its name must contain 'bench'")
    os.environ["DATABASE_URL"] = url
    # As in production (DEBUG off: no query log), with a throwaway key.
    for key, value in {
        "SECRET_KEY": "bench-only-not-secret",
        "PERSONAL_DATA_KEY": "bench-only-not-secret",
        "DEBUG": "0",
        "PORTAL_TESTING": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE": "60",
    }.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def recreate_database() -> None:
    import psycopg2
    from django.db import connection
    from psycopg2 import sql

    cfg = connection.settings_dict
    if "bench" not in cfg["NAME"]:
        raise SystemExit(f"refusing to drop {cfg['NAME']!r}")
    connection.close()
    admin = psycopg2.connect(
        dbname="postgres",
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
    )
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(cfg["NAME"])))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
    admin.close()


def build(count: int = 100_000, *, recreate: bool = True) -> dict:
    """A fresh scratch database with ``count`` suggestions (about 90% published), analysed."""
    from django.core.management import call_command
    from django.db import connection

    from demo.management.commands.bench_proposals import build_dataset

    if recreate:
        recreate_database()
    call_command("migrate", verbosity=0)
    t0 = time.monotonic()
    totals = build_dataset(count=count)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    totals["seconds"] = round(time.monotonic() - t0, 1)
    return totals


# --- Timing ---------------------------------------------------------------------------------------


def hello(request):
    from django.http import HttpResponse

    return HttpResponse("hello")


class HelloUrls:
    """The site's URLs plus /__hello__/ (only while the script runs)."""

    @property
    def urlpatterns(self):
        from django.urls import path

        from config.urls import urlpatterns

        return [path("__hello__/", hello), *urlpatterns]


def time_url(client, url: str, runs: int) -> dict:
    for _ in range(3):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"median": statistics.median(times), "p95": times[min(len(times) - 1, round(0.95 * len(times)) - 1)]}


def count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def pages() -> list[tuple[str, str]]:
    from proposals.selectors.public import public_suggestions

    newest = public_suggestions().order_by("-published_at", "-id").values_list("pk", flat=True).first()
    return [
        ("public_list", "/proposals/"),
        ("public_list_page50", "/proposals/?page=50"),
        ("public_search_jiaotong", "/proposals/?q=交通"),
        ("public_search_yanglao", "/proposals/?q=养老"),
        ("public_search_two_words", "/proposals/?q=老旧小区停车"),
        ("public_detail", f"/proposals/{newest}/"),
        ("public_feed", "/proposals/feed/"),
        ("public_unit_stats", "/proposals/units/"),
    ]


def measure(runs: int) -> None:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    from proposals.models import Suggestion

    print(
        f"Suggestions: {Suggestion.objects.count():,} ({Suggestion.objects.filter(published=True).count():,} published)"
    )
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    common = {
        "ALLOWED_HOSTS": ["testserver", *settings.ALLOWED_HOSTS],
        "DEBUG": False,
        "STORAGES": storages,
        "ROOT_URLCONF": HelloUrls(),
    }
    client = Client()
    with override_settings(**common, PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS=0):
        floor = time_url(client, "/__hello__/", runs)["median"]
    print(f"BENCH hello_ms {floor:.3f} ms")
    print(f"{'page':28} {'uncached ms':>12} {'p95':>8} {'q':>3} {'% hello':>8} {'cached ms':>10} {'% hello':>8}")
    for name, url in pages():
        # "Uncached": the page cache off; the other caches as in production (the statistics'
        # figures for ten minutes, the filter lists for one).
        with override_settings(**common, PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS=0):
            cold = time_url(client, url, runs)
            queries = count_queries(client, url)
        try:
            from proposals.cache import public_pages_changed
        except ImportError:  # a checkout from before the page cache
            warm = {"median": float("nan")}
        else:
            with override_settings(**common, PROPOSALS_PUBLIC_PAGE_CACHE_SECONDS=300):
                public_pages_changed()  # outside a transaction: at once; every page renders afresh
                warm = time_url(client, url, runs)
        print(
            f"{name:28} {cold['median']:12.2f} {cold['p95']:8.2f} {queries:3d} {100 * floor / cold['median']:7.1f}%"
            f" {warm['median']:10.3f} {100 * floor / warm['median']:7.1f}%   {url}"
        )
        print(f"BENCH {name}_ms {cold['median']:.3f} ms")
        print(f"BENCH {name}_cached_ms {warm['median']:.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=int(os.environ.get("COUNT", 100_000)))
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", 200)))
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    setup()
    if not args.skip_build:
        print(f"Building {args.count:,} suggestions …", flush=True)
        print(build(args.count), flush=True)
    if not args.build_only:
        measure(args.runs)


if __name__ == "__main__":
    main()
