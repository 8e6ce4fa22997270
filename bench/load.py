"""A bounded load test of the web application: gunicorn on 127.0.0.1 (a free port), N clients for
S seconds, on SQLite or PostgreSQL. Prints one table: requests, throughput, p50/p95/max latency and
errors per kind of request.

    python bench/load.py                                  # SQLite, 20 clients, 60 s
    python bench/load.py --database postgres://postgres@127.0.0.1:5432/passgenau_load
    python bench/load.py --clients 5 --seconds 10         # a quick look

Each client repeats four requests in turn: the start page (anonymous), a list page as a logged-in
coordinator (the rounds), an API list (the rounds, JSON) and the start of a matching run (POST;
the run waits in the task queue, no worker executes it). The coordinator logs in once with the
demo password and a one-time code from the demo's TOTP secret (pyotp); the clients share that
session, as the code of one time step is accepted only once. An error is a 5xx answer, a
connection failure or a time-out; a 4xx answer is counted separately (a run start may be refused
with 409 or 422, which is an answer, not an error).

The database is built from scratch in a temporary directory (SQLite) or in the database named
by ``--database`` (dropped and created; PostgreSQL), with ``migrate`` and ``passgenau demo``.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

import pyotp
import requests

REPO = Path(__file__).resolve().parents[1]
KINDS = ["start page", "list page", "API list", "run start"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare_database(env: dict[str, str], database: str | None) -> None:
    if database:
        url = urlparse(database)
        name = url.path.lstrip("/")
        admin = ["psql", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432)]
        admin += ["-U", url.username or "postgres", "-d", "postgres", "-q", "-v", "ON_ERROR_STOP=1"]
        subprocess.run([*admin, "-c", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
        subprocess.run([*admin, "-c", f'CREATE DATABASE "{name}"'], check=True)
    run = [sys.executable, "-m", "passgenau"]
    subprocess.run([*run, "manage", "migrate", "--noinput", "-v", "0"], env=env, check=True)
    out = subprocess.run([*run, "demo"], env=env, check=True, capture_output=True, text=True)
    env["BENCH_DEMO_OUTPUT"] = out.stdout


def demo_secret(output: str, username: str) -> str:
    match = re.search(rf"{re.escape(username)}\s+\S+\s+([A-Z2-7]{{16,}})", output)
    if not match:
        raise SystemExit(f"no TOTP secret for {username} in the demo output")
    return match.group(1)


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "passgenau.web.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
    ]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(200):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start: " + (server.stderr.read() or b"").decode()[-2000:])


def log_in(base: str, username: str, password: str, secret: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=30)
    token = session.cookies["csrftoken"]
    answer = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
    )
    answer.raise_for_status()
    token = session.cookies["csrftoken"]
    answer = session.post(
        f"{base}/accounts/login/code/",
        data={"code": pyotp.TOTP(secret).now(), "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/code/"},
        timeout=30,
    )
    if session.get(f"{base}/api/v1/me", timeout=30).status_code != 200:
        raise SystemExit("the coordinator could not log in")
    return session


def run_clients(base: str, session: requests.Session, clients: int, seconds: float) -> dict:
    rounds = session.get(f"{base}/api/v1/relocation/rounds", timeout=30).json()
    if not rounds:
        raise SystemExit("the demo has no round")
    round_id = rounds[0]["id"]
    cookies = session.cookies.get_dict()
    csrf = cookies["csrftoken"]
    results: dict[str, list[tuple[float, int]]] = defaultdict(list)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        anonymous = requests.Session()
        logged_in = requests.Session()
        logged_in.cookies.update(cookies)
        requests_ = [
            ("start page", lambda: anonymous.get(f"{base}/", timeout=60)),
            ("list page", lambda: logged_in.get(f"{base}/relocation/", timeout=60)),
            ("API list", lambda: logged_in.get(f"{base}/api/v1/relocation/rounds", timeout=60)),
            (
                "run start",
                lambda: logged_in.post(
                    f"{base}/api/v1/relocation/rounds/{round_id}/runs",
                    json={"mechanism": "auto", "label": f"load {number}"},
                    headers={"X-CSRFToken": csrf, "Referer": f"{base}/"},
                    timeout=60,
                ),
            ),
        ]
        step = number  # the clients start at different requests
        while time.monotonic() < deadline:
            kind, call = requests_[step % len(requests_)]
            step += 1
            began = time.perf_counter()
            try:
                status = call().status_code
            except requests.RequestException:
                status = 0
            elapsed = time.perf_counter() - began
            with lock:
                results[kind].append((elapsed, status))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"results": results, "wall": time.monotonic() - began}


def percentile(values: list[float], fraction: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def table(label: str, measured: dict, clients: int, workers: int) -> str:
    wall = measured["wall"]
    lines = [
        f"{label}: {clients} clients, {wall:.0f} s, gunicorn {workers} sync workers",
        "",
        "| request | count | req/s | p50 ms | p95 ms | max ms | 4xx | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    every: list[tuple[float, int]] = []
    for kind in [*KINDS, "all"]:
        rows = every if kind == "all" else measured["results"].get(kind, [])
        if kind != "all":
            every.extend(rows)
        if not rows:
            continue
        times = sorted(t * 1000 for t, _ in rows)
        errors = sum(1 for _, s in rows if s == 0 or s >= 500)
        client_errors = sum(1 for _, s in rows if 400 <= s < 500)
        lines.append(
            f"| {kind} | {len(rows)} | {len(rows) / wall:.1f} | {percentile(times, 0.5):.0f} | "
            f"{percentile(times, 0.95):.0f} | {times[-1]:.0f} | {client_errors} | {errors} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a PostgreSQL URL (dropped and created); default SQLite")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="passgenau-load-") as var:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "passgenau.web.settings.dev",
            "PASSGENAU_VAR_DIR": var,
            "PYTHONPATH": str(REPO / "src"),
            "LOG_LEVEL": "WARNING",
        }
        env.pop("DATABASE_URL", None)
        if args.database:
            env["DATABASE_URL"] = args.database
        prepare_database(env, args.database)
        env["DEBUG"] = "0"  # served as in production (no debug pages, no query log)
        port = free_port()
        server = start_server(env, port, args.workers)
        try:
            base = f"http://127.0.0.1:{port}"
            secret = demo_secret(env["BENCH_DEMO_OUTPUT"], "demo-coordinator")
            session = log_in(base, "demo-coordinator", "passgenau-demo", secret)
            measured = run_clients(base, session, args.clients, args.seconds)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    label = "PostgreSQL" if args.database else "SQLite"
    print(table(label, measured, args.clients, args.workers))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
