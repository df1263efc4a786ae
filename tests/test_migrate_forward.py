"""A `make run` database from before the apps were restructured migrates forward with every row kept."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = REPO_ROOT / "scripts" / "check_migrate_forward.py"
# Seeding the base commit takes about a minute on SQLite and a minute and a half on PostgreSQL;
# the limit only stops a hung child from holding the test run forever.
TIMEOUT_SECONDS = 20 * 60


def test_make_run_database_from_base_commit_migrates_forward_with_every_row_kept():
    """GIVEN a database that `make run` built at the commit before the restructuring (the script's default base),
    on the same engine as this test run
    WHEN the current tree migrates it and runs `manage.py check`
    THEN the script exits 0 and its last line says every row was kept.

    The script makes its own database (not pytest-django's test database) and drops it again. A base commit
    missing from the clone (a shallow checkout) is a failure with the script's message, never a skip.
    """
    engine = settings.DATABASES["default"]["ENGINE"]
    database = "postgres" if "postgresql" in engine else "sqlite"

    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--database", database],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )

    output = f"{result.stdout}\n{result.stderr}".strip()
    # Printed as well as put in the assertion message, so that pytest shows it in the captured output.
    print(output)
    last_line = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, f"check_migrate_forward.py exited {result.returncode}:\n{output}"
    assert last_line.startswith("migrate-forward: ") and last_line.endswith(" rows kept"), output
