"""Fill the public-pages bench database: ``python -m scripts.bench.build_public --count 100000``.

Run by run.py with DATABASE_URL set (a migrated database whose name contains "bench").
Uses ``build(count)`` from scripts/bench_public.py when that file exists; otherwise the
bulk builder of ``manage.py bench_proposals`` (demo/management/commands/bench_proposals.py).
Ends with VACUUM ANALYZE and prints ``BUILT <suggestions> <published> <builder>``.
"""

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit(f"refusing to fill {name!r}: a PostgreSQL database whose name contains 'bench' only")

    started = time.monotonic()
    builder = "bench_proposals.build_dataset"
    path = PROJECT / "scripts" / "bench_public.py"
    module = None
    if path.exists() and os.environ.get("BENCH_PUBLIC_BUILDER", "1") != "0":
        spec = importlib.util.spec_from_file_location("bench_public", path)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # noqa: BLE001 - a broken file falls back to the old builder
            print(f"scripts/bench_public.py does not import ({exc!r}); using {builder}", flush=True)
            module = None
    if module is not None and callable(getattr(module, "build", None)):
        builder = "scripts/bench_public.py build()"
        print(f"building {args.count:,} suggestions with {builder}", flush=True)
        try:
            module.build(args.count, recreate=False)  # run.py has created and migrated the database
        except TypeError:
            module.build(args.count)
    else:
        from demo.management.commands.bench_proposals import build_dataset

        print(f"building {args.count:,} suggestions with {builder}", flush=True)
        build_dataset(count=args.count, out=sys.stdout)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM information_schema.columns"
                " WHERE table_name = 'proposals_suggestion' AND column_name = 'search_vector'"
            )
            if cursor.fetchone():  # the builder writes search_text only; keep the stored vector in step
                cursor.execute("UPDATE proposals_suggestion SET search_vector = to_tsvector('simple', search_text)")
    # The builder may have opened its own connection; make sure ours sees the data.
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE published) FROM proposals_suggestion")
        total, published = cursor.fetchone()
    print(f"built in {time.monotonic() - started:.0f} s", flush=True)
    print(f"BUILT {total} {published} {builder.replace(' ', '_')}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
