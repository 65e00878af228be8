"""How fast is this box? Two readings to put beside any benchmark figure.

Machines of the same kind differ (the reminder peak took 29-35 s on one session's box and
65-75 s on another's with the same code), so a figure means little without these:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ammed_prof .venv/bin/python bench/box_speed.py

- ``pg_insert_1m_s``: PostgreSQL inserts 1,000,000 rows with a random unique text key
  (``INSERT INTO calib SELECT md5(random()::text) FROM generate_series(1, 1000000)`` into a
  fresh, WAL-logged table with a text primary key), best of ``--runs``. Creates and drops
  that one table, nothing else.
- ``py_loop_20m_s``: CPython adds 20,000,000 integers in a loop, best of ``--runs``.

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ammed_fhir.settings")

TABLE = "ammed_box_speed_calib"
INSERT = f"INSERT INTO {TABLE} SELECT md5(random()::text) FROM generate_series(1, 1000000)"


def pg_insert_seconds() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"CREATE TABLE {TABLE} (k text PRIMARY KEY)")
        try:
            t0 = time.perf_counter()
            cursor.execute(INSERT)
            return time.perf_counter() - t0
        finally:
            cursor.execute(f"DROP TABLE {TABLE}")


def py_loop_seconds() -> float:
    t0 = time.perf_counter()
    total = 0
    for i in range(20_000_000):
        total += i
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("box_speed.py needs DATABASE_URL to name a PostgreSQL database")
    pg, py = [], []
    for run in range(1, args.runs + 1):
        pg.append(pg_insert_seconds())
        py.append(py_loop_seconds())
        print(f"run {run}/{args.runs}: insert {pg[-1]:.2f} s, loop {py[-1]:.2f} s", file=sys.stderr)
    print(
        json.dumps(
            {
                "cpus": os.cpu_count(),
                "cpu": platform.processor() or platform.machine(),
                "pg_insert_1m_s": round(min(pg), 2),
                "py_loop_20m_s": round(min(py), 2),
                "runs": args.runs,
            }
        )
    )


if __name__ == "__main__":
    main()
