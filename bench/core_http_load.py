"""Requests per second and p50/p95/p99 latency of the home page and an API list endpoint.

Both Cybercommons (demo data, SQLite, gunicorn) and a minimal Django site served by the
same gunicorn configuration are loaded with wrk on loopback; the ratio to the minimal site
shows what the platform costs on top of the framework's own ceiling.

Usage: python bench/core_http_load.py [--duration 10] [--connections 16] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LUA = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "duration_us": %d, "errors": %d, '
    .. '"p50": %d, "p95": %d, "p99": %d}\\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server at {url} did not come up")


def wrk(url: str, duration: int, connections: int, threads: int, script: Path) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "-s", str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def cpu_seconds(master: int) -> float:
    """User + system CPU time of a gunicorn master and its workers so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [master]
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def gunicorn(app: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "gthread", "--threads", "4",
         "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    data_dir = Path(tempfile.mkdtemp(prefix="cc-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update({"CYBERCOMMONS_DATA_DIR": str(data_dir), "SECRET_KEY": "b" * 50,
                "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(ROOT / "bench") + os.pathsep + env.get("PYTHONPATH", "")})
    print("preparing demo data…", flush=True)
    subprocess.run([sys.executable, "-m", "cybercommons", "demo", "--no-serve"], env=env,
                   check=True, stdout=subprocess.DEVNULL)
    script = data_dir / "report.lua"
    script.write_text(LUA)
    port_cc, port_min = free_port(), free_port()
    servers = [
        gunicorn("cybercommons.wsgi:application", port_cc, args.workers, env),
        gunicorn("minimal_site:application", port_min, args.workers, env),
    ]
    try:
        wait_until_up(f"http://127.0.0.1:{port_cc}/")
        wait_until_up(f"http://127.0.0.1:{port_min}/")
        cases = [
            ("home page", f"http://127.0.0.1:{port_cc}/", f"http://127.0.0.1:{port_min}/"),
            ("API list (/api/v1/countries, 50 per page)",
             f"http://127.0.0.1:{port_cc}/api/v1/countries?limit=50",
             f"http://127.0.0.1:{port_min}/api/v1/items"),
        ]
        print(f"wrk: {args.connections} connections, {args.duration} s, gunicorn "
              f"{args.workers} workers × 4 threads, loopback, {os.cpu_count()} cores")
        header = (f"{'case':44} {'server':14} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} "
                  f"{'p99 ms':>8} {'errors':>7} {'CPU ms/req':>10}")
        print(header)
        for name, url, baseline in cases:
            results = {}
            for (label, target), server in zip((("cybercommons", url),
                                                 ("minimal django", baseline)), servers,
                                                strict=True):
                wrk(target, 2, args.connections, 2, script)  # warm-up
                cpu_before = cpu_seconds(server.pid)
                r = wrk(target, args.duration, args.connections, 2, script)
                # The server's own CPU per answer: what the load costs apart from waiting
                # for the cores it shares with wrk and everything else on the machine.
                cpu_ms = (cpu_seconds(server.pid) - cpu_before) * 1000 / max(r["requests"], 1)
                results[label] = r
                print(f"{name:44} {label:14} {r['rps']:9.0f} {r['p50'] / 1000:8.1f} "
                      f"{r['p95'] / 1000:8.1f} {r['p99'] / 1000:8.1f} {r['errors']:7d} "
                      f"{cpu_ms:10.2f}")
            ratio = results["cybercommons"]["rps"] / results["minimal django"]["rps"]
            print(f"{name:44} {'ratio':14} {ratio:9.2f}  (cybercommons req/s ÷ minimal)")
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
