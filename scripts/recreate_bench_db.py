"""Drop and create the PostgreSQL database named in DATABASE_URL (its name must contain "bench")."""

import os
import sys

import dj_database_url
import psycopg2
from psycopg2 import sql

cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
if not cfg["ENGINE"].endswith("postgresql"):
    sys.exit("the benchmarks need a PostgreSQL DATABASE_URL")
name = cfg["NAME"]
if "bench" not in name:
    sys.exit(f"refusing to drop database {name!r}: its name must contain 'bench'")
conn = psycopg2.connect(
    dbname="postgres",
    user=cfg["USER"] or None,
    password=cfg["PASSWORD"] or None,
    host=cfg["HOST"] or None,
    port=cfg["PORT"] or None,
)
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
conn.close()
print(f"recreated database {name}")
