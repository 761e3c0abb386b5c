"""Measure Jalons' key pages against a bare page, served by gunicorn over a given database.

    .venv/bin/python bench/run.py --database-url sqlite:////tmp/bench.db [--quick] [--json out.json]

The database must already hold `flask bench-data` output. Each key page is measured in bursts
that alternate with bursts of the bare page (/a-propos: base template, logged in, no query
beyond loading the user), so that its throughput is a ratio to a neighbour measured moments
apart, on the same machine, at the same concurrency. Loopback only; every loop is bounded.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.bench_data import BENCH_PASSWORD, SUPERVISOR_EMAIL  # noqa: E402
from app.config import normalise_database_url  # noqa: E402

HOST = "127.0.0.1"
BARE = "/a-propos"
TARGET_RATIO = 0.3
TARGET_SEARCH_MS = 50
TARGET_DASHBOARD_MS = 1000
TARGET_EXPORT_MS = 10_000
# Short names for --only, in the order of the table.
PAGE_KEYS = ("login", "home", "file", "search", "dashboard", "pdf", "export")
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


# --- What to measure ---------------------------------------------------------------------


@dataclass
class Targets:
    """The accounts and records the key pages are measured on, read from the database."""

    participants: int
    dialect: str
    busiest_referent: str
    caseload: int
    participant: str
    participant_referent: str
    history: int
    prefix: str


def find_targets(database_url: str) -> Targets:
    """The référent with the largest caseload, the richest file, the commonest name prefix."""
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        participants = conn.scalar(sa.text("SELECT count(*) FROM participant"))
        if not participants:
            sys.exit("La base ne contient aucun participant : lancez d'abord flask bench-data.")
        busiest, caseload = conn.execute(sa.text(
            "SELECT u.email, count(*) FROM participant p JOIN user_account u "
            "ON u.id = p.referent_id GROUP BY u.email ORDER BY count(*) DESC, u.email LIMIT 1"
        )).one()
        public_id, referent, history = conn.execute(sa.text(
            "SELECT p.public_id, u.email, count(*) FROM participant p "
            "JOIN user_account u ON u.id = p.referent_id JOIN pathway w ON w.participant_id = p.id "
            "JOIN interview i ON i.pathway_id = w.id GROUP BY p.public_id, u.email "
            "ORDER BY count(*) DESC, p.public_id LIMIT 1"
        )).one()
        prefix = conn.scalar(sa.text(
            "SELECT substr(name_key, 1, 3) FROM participant GROUP BY substr(name_key, 1, 3) "
            "ORDER BY count(*) DESC, substr(name_key, 1, 3) LIMIT 1"
        ))
    engine.dispose()
    return Targets(participants, engine.dialect.name, busiest, caseload, public_id, referent,
                   history, prefix)


# --- The server --------------------------------------------------------------------------


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(database_url: str, port: int, workers: int) -> subprocess.Popen:
    """gunicorn on the loopback, counting SQL statements, ready when /healthz answers."""
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(32),
           "JALONS_COUNT_QUERIES": "1"}
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--bind", f"{HOST}:{port}",
         "--workers", str(workers), "--log-level", "warning", "app:create_app()"],
        cwd=ROOT, env=env,
    )
    for _ in range(150):  # 30 s at most
        time.sleep(0.2)
        if server.poll() is not None:
            sys.exit("gunicorn s'est arrêté au démarrage.")
        try:
            if request(port, "GET", "/healthz").status == 200:
                return server
        except OSError:
            continue
    server.terminate()
    sys.exit("gunicorn ne répond pas sur /healthz.")


def stop_server(server: subprocess.Popen) -> None:
    """Stop the gunicorn master we started (it stops its workers)."""
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


def worker_pids(master: int) -> list[int]:
    """The gunicorn workers: children of the master process."""
    text = Path(f"/proc/{master}/task/{master}/children").read_text()
    return [int(pid) for pid in text.split()]


def memory_kib(pid: int, field_name: str) -> int:
    """A memory figure of /proc/<pid>/status (VmRSS: now, VmHWM: peak), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


# --- HTTP --------------------------------------------------------------------------------


@dataclass
class Reply:
    """What one request gave back."""

    status: int
    seconds: float
    queries: int | None
    server_ms: float | None
    cookie: str
    body: str


def request(port: int, method: str, path: str, cookie: str = "", form: dict | None = None
            ) -> Reply:
    """One request on a fresh connection (gunicorn's sync workers close it after each)."""
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
    finally:
        conn.close()
    seconds = time.perf_counter() - started
    set_cookie = response.getheader("Set-Cookie") or ""
    timing = re.search(r"dur=([\d.]+)", response.getheader("Server-Timing") or "")
    count = response.getheader("X-Query-Count")
    return Reply(response.status, seconds, int(count) if count else None,
                 float(timing.group(1)) if timing else None,
                 set_cookie.split(";", 1)[0] or cookie, text)


def login_form(port: int) -> tuple[str, str]:
    """A fresh session cookie and its CSRF token, from the login page."""
    reply = request(port, "GET", "/login")
    token = CSRF_FIELD.search(reply.body)
    if reply.status != 200 or token is None:
        sys.exit(f"Page de connexion inattendue (statut {reply.status}).")
    return reply.cookie, token.group(1)


def log_in(port: int, email: str, form: tuple[str, str] | None = None) -> Reply:
    """Post the login form; the reply's cookie is the logged-in session."""
    cookie, token = form or login_form(port)
    reply = request(port, "POST", "/login", cookie,
                    {"csrf_token": token, "email": email, "password": BENCH_PASSWORD})
    if reply.status != 302:
        sys.exit(f"Connexion refusée pour {email} (statut {reply.status}).")
    return reply


# --- Measuring ---------------------------------------------------------------------------


@dataclass
class Page:
    """A page to measure: how to request it, and as whom."""

    name: str
    path: str
    cookie: str = ""
    login_as: str = ""  # set for the login page: each request posts the form afresh
    heavy: bool = False  # seconds per request (a full export): a couple of requests per round


@dataclass
class Samples:
    """Everything measured for one page across the run."""

    latencies: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    bare_requests: int = 0
    bare_seconds: float = 0.0
    rss_kib: int = 0

    def add(self, replies: list[Reply], wall: float) -> None:
        """Record one burst."""
        self.latencies += [r.seconds for r in replies]
        self.queries += [r.queries for r in replies if r.queries is not None]
        self.server_ms += [r.server_ms for r in replies if r.server_ms is not None]
        self.requests += len(replies)
        self.seconds += wall


def burst(port: int, page: Page, concurrency: int, per_thread: int) -> tuple[list[Reply], float]:
    """`concurrency` threads each requesting the page `per_thread` times; replies and wall time."""
    forms = [[login_form(port) for _ in range(per_thread)] if page.login_as else []
             for _ in range(concurrency)]
    replies: list[list[Reply]] = [[] for _ in range(concurrency)]

    def work(index: int) -> None:
        """One client's sequence of requests."""
        for n in range(per_thread):
            if page.login_as:
                replies[index].append(log_in(port, page.login_as, forms[index][n]))
            else:
                replies[index].append(request(port, "GET", page.path, page.cookie))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    flat = [r for rs in replies for r in rs]
    wrong = [r.status for r in flat if r.status != (302 if page.login_as else 200)]
    if wrong:
        sys.exit(f"{page.name} : statut inattendu {wrong[0]}.")
    return flat, wall


def measure(port: int, master: int, pages: list[Page], bare: Page, rounds: int,
            concurrency: int, per_thread: int) -> dict[str, Samples]:
    """Alternate bursts of the bare page and of each key page, `rounds` times."""
    results = {page.name: Samples() for page in [bare, *pages]}
    for _ in range(rounds):
        for page in pages:
            # The login page hashes a password per request: fewer requests keep the run short.
            count = max(2, per_thread // 4) if page.login_as else per_thread
            count = 1 if page.heavy else count
            bare_replies, bare_wall = burst(port, bare, concurrency, count)
            results[bare.name].add(bare_replies, bare_wall)
            replies, wall = burst(port, page, concurrency, count)
            sample = results[page.name]
            sample.add(replies, wall)
            sample.bare_requests += len(bare_replies)
            sample.bare_seconds += bare_wall
            rss = max(memory_kib(pid, "VmRSS") for pid in worker_pids(master))
            sample.rss_kib = max(sample.rss_kib, rss)
    return results


def warm_up(port: int, pages: list[Page], bare: Page) -> None:
    """Let both workers import, compile templates and fill caches before anything counts."""
    for page in [bare, *pages]:
        burst(port, page, 2, 2 if page.login_as else 1 if page.heavy else 5)


# --- Reporting ---------------------------------------------------------------------------


def summarise(name: str, path: str, s: Samples) -> dict:
    """The figures of one page."""
    row = {"page": name, "path": path, "requests": s.requests,
           "median_ms": round(statistics.median(s.latencies) * 1000, 1),
           "server_ms": round(statistics.median(s.server_ms), 1) if s.server_ms else None,
           "per_second": round(s.requests / s.seconds, 1),
           "queries": statistics.median(s.queries) if s.queries else None,
           "queries_max": max(s.queries) if s.queries else None,
           "rss_mib": round(s.rss_kib / 1024, 1) if s.rss_kib else None}
    if s.bare_requests:
        row["ratio"] = round(row["per_second"] / (s.bare_requests / s.bare_seconds), 2)
    return row


def table(rows: list[dict]) -> str:
    """The results as a fixed-width text table."""
    header = (f"{'page':<34}{'median ms':>10}{'server ms':>10}{'req/s':>8}{'× bare':>8}"
              f"{'SQL/req':>8}{'RSS MiB':>9}  target")
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row['page']:<34}{row['median_ms']:>10}{fmt(row['server_ms']):>10}"
            f"{row['per_second']:>8}{fmt(row.get('ratio')):>8}{fmt(row['queries']):>8}"
            f"{fmt(row['rss_mib']):>9}  {row.get('verdict', '')}")
    return "\n".join(lines)


def fmt(value) -> str:
    """A cell: '-' for nothing, whole numbers without '.0'."""
    if value is None:
        return "-"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def verdict(row: dict) -> str:
    """Whether a key page meets the architecture's targets."""
    if row["page"] == "Connexion":
        # Each login verifies an argon2id hash (64 MiB, ~0.2 s of CPU) on purpose.
        return "n/a (argon2id by design)"
    problems = []
    if row["page"].startswith("Tableau de bord"):
        # The dashboard's target is its server time, not a ratio to the bare page.
        slow = (row["server_ms"] or 0) >= TARGET_DASHBOARD_MS
        return f"MISSED: ≥ {TARGET_DASHBOARD_MS} ms" if slow else "ok (< 1 s)"
    if row["page"].startswith("Export"):
        slow = row["median_ms"] >= TARGET_EXPORT_MS
        return f"MISSED: ≥ {TARGET_EXPORT_MS // 1000} s" if slow else "ok (< 10 s)"
    if row["page"].startswith("Synthèse"):
        return "vs raw WeasyPrint: bench/pdf_bench.py"
    if row.get("ratio") is not None and row["ratio"] < TARGET_RATIO:
        problems.append(f"< {TARGET_RATIO}× bare")
    if row["page"] == "Recherche" and (row["server_ms"] or 0) >= TARGET_SEARCH_MS:
        problems.append(f"≥ {TARGET_SEARCH_MS} ms")
    return "MISSED: " + ", ".join(problems) if problems else "ok"


# --- Main --------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--quick", action="store_true", help="a rough run in under a minute")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--concurrency", type=int, default=2, help="simultaneous clients")
    parser.add_argument("--only", default="",
                        help=f"measure only these pages, comma-separated: {', '.join(PAGE_KEYS)}")
    return parser.parse_args()


def chosen_pages(pages: list[Page], only: str) -> list[Page]:
    """The pages --only names (all of them when it is empty), in PAGE_KEYS order."""
    if not only:
        return pages
    wanted = {key.strip() for key in only.split(",") if key.strip()}
    unknown = wanted - set(PAGE_KEYS)
    if unknown:
        sys.exit(f"Pages inconnues : {', '.join(sorted(unknown))} "
                 f"(connues : {', '.join(PAGE_KEYS)}).")
    return [page for key, page in zip(PAGE_KEYS, pages, strict=True) if key in wanted]


def main() -> None:
    """Serve, log in, warm up, measure, print the table and write the JSON."""
    args = parse_args()
    database_url = normalise_database_url(args.database_url)
    targets = find_targets(database_url)
    rounds, per_thread = (2, 8) if args.quick else (6, 24)
    port = free_port()
    server = start_server(database_url, port, args.workers)
    try:
        referent = log_in(port, targets.busiest_referent).cookie
        file_referent = log_in(port, targets.participant_referent).cookie
        supervisor = log_in(port, SUPERVISOR_EMAIL).cookie
        bare = Page("Page nue (référence)", BARE, referent)
        pages = [
            Page("Connexion", "/login", login_as=targets.busiest_referent),
            Page("Accueil référent", "/", referent),
            Page("Dossier participant", f"/participants/{targets.participant}", file_referent),
            Page("Recherche", f"/participants?q={targets.prefix}", supervisor),
            Page("Tableau de bord (supervision)", "/supervision", supervisor),
            Page("Synthèse PDF", f"/participants/{targets.participant}/summary.pdf",
                 file_referent),
            Page("Export FSE+ (CSV, toute l'année)", "/reports/fse/participants.csv",
                 supervisor, heavy=True),
        ]
        pages = chosen_pages(pages, args.only)
        warm_up(port, pages, bare)
        started = time.perf_counter()
        samples = measure(port, server.pid, pages, bare, rounds, args.concurrency, per_thread)
        elapsed = time.perf_counter() - started
        peak = max(memory_kib(pid, "VmHWM") for pid in worker_pids(server.pid))
    finally:
        stop_server(server)
    rows = [summarise(p.name, p.path, samples[p.name]) for p in [bare, *pages]]
    for row in rows[1:]:
        row["verdict"] = verdict(row)
    print(f"Jalons bench: {targets.dialect}, {targets.participants} participants, "
          f"{args.workers} gunicorn workers, {args.concurrency} concurrent clients, "
          f"{rounds} alternating rounds{' (quick)' if args.quick else ''}, {elapsed:.0f} s")
    print(f"Référent home: {targets.busiest_referent} ({targets.caseload} participants); "
          f"file: {targets.history} interviews; search: q={targets.prefix!r}")
    print(table(rows))
    print(f"Peak worker RSS (VmHWM): {peak / 1024:.1f} MiB")
    if args.json:
        args.json.write_text(json.dumps(
            {"targets": asdict(targets), "workers": args.workers,
             "concurrency": args.concurrency, "rounds": rounds, "quick": args.quick,
             "seconds": round(elapsed, 1), "peak_rss_mib": round(peak / 1024, 1),
             "pages": rows}, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
