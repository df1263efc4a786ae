"""Check the project's migrations for operations unsafe on a live PostgreSQL database.

    DATABASE_URL=postgres://… .venv/bin/python scripts/lint_migrations.py

Uses django-migration-linter's analysers on the SQL each migration emits on PostgreSQL
(``sqlmigrate``; no table is touched): a column made NOT NULL without a default, a dropped or
renamed column or table, a changed column type, a unique constraint added to a table with
rows, and data migrations without a reverse. Every finding must be acknowledged below with
the reason it is safe; anything else fails (exit 1). Taking a lock to build an index is
reported but allowed: the office's tables are small enough (tens of thousands of rows) for
an index to build in well under a second.

Exit 0 when every finding is acknowledged, 1 when one is not, 2 when it cannot run.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

PROJECT_APPS = [
    "core",
    "notifications",
    "accounts",
    "dataio",
    "deputies",
    "activities",
    "proposals",
    "liaison",
    "livelihood",
    "training",
    "archive",
    "portal",
    "demo",
]
# Index locks: reported, allowed (see above).
ALLOWED = {"CREATE_INDEX", "CREATE_INDEX_EXCLUSIVE", "DROP_INDEX", "REINDEX"}
# (app, migration) → {finding code: why it is safe}.
ACKNOWLEDGED: dict[tuple[str, str], dict[str, str]] = {
    ("accounts", "0002_initial"): {"ADD_UNIQUE": "part of the first install: the tables are empty"},
    ("activities", "0002_activity_source"): {
        "ADD_UNIQUE": "the (source type, source id) pair is new in this migration: no row has it yet"
    },
    ("accounts", "0005_audit_chain_and_lockout"): {
        "NOT_NULL": "the new hash and key columns are added with a default ('') for every row"
    },
    ("accounts", "0006_mobile_encrypted"): {
        "ALTER_COLUMN": "varchar(11) to text, to hold ciphertext: widening, old code still reads the column",
        "ADD_UNIQUE": "the hash column is filled by the same migration before the constraint; it replaces "
        "the unique index of the plain column, which held the same values",
    },
    ("deputies", "0006_personal_data_encrypted"): {
        "ALTER_COLUMN": "varchar to text, to hold ciphertext: widening, old code still reads the column",
        "NOT_NULL": "the new hash columns are added with a default ('') and filled in the same migration",
        "ADD_UNIQUE": "the per-term constraints move from the plain columns to their hashes, which hold "
        "the same uniqueness",
    },
    ("accounts", "0007_unit_pinyin_sort_key"): {
        "NOT_NULL": "the sort key is added with a default ('') for every row and filled in the same migration"
    },
    ("accounts", "0008_unit_head"): {
        "NOT_NULL": "the head's name and title columns are added with a default ('') for every row"
    },
    ("accounts", "0009_display_mode"): {
        "NOT_NULL": "the display mode column is added with a default ('standard') for every row"
    },
    ("liaison", "0004_duty_cancel"): {
        "NOT_NULL": "the reason column is added with a default ('') for every row",
        "ADD_UNIQUE": "the one-duty-per-slot rule is replaced by the same rule over duties not cancelled: "
        "the rows already hold the stricter one",
    },
}


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("lint_migrations: DATABASE_URL must name a PostgreSQL server", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.conf import settings
    from django_migration_linter import MigrationLinter
    from django_migration_linter.sql_analyser.analyser import analyse_sql_statements

    apps = [app for app in PROJECT_APPS if any(a.split(".")[0] == app for a in settings.INSTALLED_APPS)]
    linter = MigrationLinter(no_cache=True, include_apps=apps, no_output=True)
    failures, notes, checked = [], [], 0
    for key, migration in sorted(linter.migration_loader.disk_migrations.items()):
        app, name = key
        if app not in apps:
            continue
        checked += 1
        errors, _, warnings = analyse_sql_statements(linter.sql_analyser_class, linter.get_sql(app, name))
        data_errors, _, data_warnings = linter.analyse_data_migration(migration)
        reasons = ACKNOWLEDGED.get(key, {})
        for issue in [*errors, *data_errors]:
            where = f"{app}.{name}: {issue.code} {issue.message}" + (
                f" ({issue.table}.{issue.column})" if issue.table else ""
            )
            if issue.code in ALLOWED:
                notes.append(f"  allowed  {where}")
            elif issue.code in reasons:
                notes.append(f"  reviewed {where}: {reasons[issue.code]}")
            else:
                failures.append(f"  UNSAFE   {where}")
        for issue in [*warnings, *data_warnings]:
            notes.append(f"  warning  {app}.{name}: {issue.code} {issue.message}")
    print(f"lint_migrations: {checked} migrations of {len(apps)} apps checked on PostgreSQL")
    print("\n".join(sorted(set(notes))))
    if failures:
        print("\n".join(failures))
        print(
            f"lint_migrations: FAILED, {len(failures)} unsafe operations: make them safe (a default, "
            "a nullable column first, a separate data migration) or acknowledge them with a reason "
            "in scripts/lint_migrations.py"
        )
        return 1
    print("lint_migrations: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
