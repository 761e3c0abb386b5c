"""Time the FSE+ exports and report pages on a large database, and their peak memory.

    .venv/bin/python bench/fse_export.py --database-url sqlite:////tmp/bench50k_fse.db [--json out]

Each URL is fetched through the app's real request path (a supervisor's session, the
streamed response read chunk by chunk and thrown away, as a browser would save it), once for
the time (wall and CPU: the CPU time does not depend on what else the machine runs) and once
under tracemalloc for the peak of Python allocations. The participant
export is also measured on one structure, so the two peaks show whether memory stays flat
when the data grows. The issue's target: 50 000 participants exported in under 10 s.
"""

import argparse
import json
import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from app import create_app  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Participant, Pathway, Role, Structure, User  # noqa: E402

TARGET_SECONDS = 10
EVERYTHING = "du=2000-01-01&au=2099-12-31"  # every participant who ever entered


def sign_in(client, user) -> None:
    """A supervisor's session, as start_session() opens it."""
    now = datetime.now(UTC).timestamp()
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
        session["login_at"] = now
        session["seen_at"] = now
        session.permanent = True


def fetch(client, url: str) -> tuple[int, int, int, int]:
    """(status, bytes, chunks, CSV lines) of a response consumed as a stream."""
    response = client.get(url, buffered=False)
    size = chunks = lines = 0
    for chunk in response.response:
        size += len(chunk)
        chunks += 1
        lines += chunk.count(b"\r\n")
    response.close()
    return response.status_code, size, chunks, lines


def measure_url(client, url: str) -> dict:
    """Wall time of one fetch, then the tracemalloc peak of a second one."""
    started, cpu = time.perf_counter(), time.process_time()
    status, size, chunks, lines = fetch(client, url)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    tracemalloc.start()
    fetch(client, url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"url": url, "status": status, "seconds": round(seconds, 2), "cpu_s": round(cpu, 2),
            "mib": round(size / 2**20, 1), "chunks": chunks,
            "rows": lines - 1 if ".csv" in url else None,
            "peak_python_mib": round(peak / 2**20, 1)}


def measure(database_url: str) -> dict:
    """Every FSE+ report and export of the whole PLIE, and the participant export of one
    structure."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url)})
    with app.app_context():
        supervisor = db.session.scalar(sa.select(User).where(User.role == Role.SUPERVISOR))
        participants = db.session.scalar(sa.select(sa.func.count(Participant.id)))
        entered = db.session.scalar(sa.select(sa.func.count(sa.distinct(
            Pathway.participant_id))).where(Pathway.entry_date.is_not(None)))
        structure = db.session.scalar(sa.select(Structure.id).order_by(Structure.id))
        latest = db.session.scalar(sa.select(sa.func.max(Pathway.entry_date)))
        client = app.test_client()
        sign_in(client, supervisor)
        year = f"annee={latest.year - 1}"
        urls = [
            f"/reports/fse/participants.csv?{EVERYTHING}",
            f"/reports/fse/participants.xlsx?{EVERYTHING}",
            f"/reports/fse/participants.csv?{EVERYTHING}&perimetre=s{structure}",
            f"/reports/fse/indicateurs.xlsx?{EVERYTHING}",
            f"/reports/fse?{year}",
            f"/reports/fse/participants.xlsx?{year}",
            "/reports/fse/a-completer",
        ]
        results = [measure_url(client, url) for url in urls]
    whole = results[0]["seconds"], results[1]["seconds"]
    return {
        "participants_in_database": participants,
        "participants_entered": entered,
        "results": results,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "target_met": max(whole) < TARGET_SECONDS,
    }


def main() -> None:
    """Parse the arguments, measure, print and optionally save the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--json", type=Path, help="also write the result to this file")
    args = parser.parse_args()
    result = measure(args.database_url)
    print(f"participants in the database: {result['participants_in_database']}, "
          f"entered a pathway: {result['participants_entered']}")
    print(f"{'URL':<72} {'wall s':>6} {'CPU s':>6} {'MiB':>6} {'rows':>7} {'peak MiB':>9}")
    for row in result["results"]:
        print(f"{row['url']:<72} {row['seconds']:>6} {row['cpu_s']:>6} {row['mib']:>6} "
              f"{row['rows'] if row['rows'] is not None else '':>7} {row['peak_python_mib']:>9}")
    print(f"peak RSS of the process: {result['peak_rss_mib']} MiB; "
          f"target (< {TARGET_SECONDS} s) met: {result['target_met']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
