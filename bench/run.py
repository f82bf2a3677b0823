"""Run every benchmark script in this folder, one after the other, printing their figures.

Usage: python bench/run.py [NAME_FRAGMENT ...]  (e.g. `python bench/run.py infra` runs only
the infrastructure figures).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOT_FIGURES = {"run.py", "minimal_site.py", "sec_common.py"}


def main(argv: list[str]) -> int:
    scripts = sorted(p for p in HERE.glob("*.py")
                     if p.name not in NOT_FIGURES and not p.name.startswith("_"))
    if argv:
        scripts = [p for p in scripts if any(fragment in p.name for fragment in argv)]
    failed = []
    for script in scripts:
        print(f"\n##### {script.name}", flush=True)
        if subprocess.run([sys.executable, str(script)], check=False).returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
