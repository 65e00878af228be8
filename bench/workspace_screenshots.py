"""Regenerate the clinician workspace screenshots in docs/screenshots/ (worklist, patient page,
review page) by running the browser test with ``AMMED_SCREENSHOTS`` set.

    .venv/bin/python bench/workspace_screenshots.py [--out docs/screenshots]

Needs Debian's chromium (/usr/bin/chromium), a CJK font (Debian: fonts-wqy-zenhei) for the
Chinese text, and the test database settings the suite uses (DATABASE_URL, REDIS_URL).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    env = {**os.environ, "AMMED_SCREENSHOTS": str(Path(args.out).resolve())}
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/workspace/test_workspace_browser.py",
    ]
    done = subprocess.run(cmd, cwd=ROOT, env=env, check=False)
    if done.returncode == 0:
        for name in ("worklist.png", "patient.png", "review.png"):
            print(Path(args.out) / name)
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
