"""Evaluate every pathway of a database in one batch, on one core, as the dashboards will.

    .venv/bin/python bench/progress_batch.py --database-url sqlite:////tmp/bench.db [--json out]

Reports the time spent reading the rows and the time spent in the rules, per participant and
in all; the issue's target is the whole batch under 10 s on one core at 50 000 participants.
"""

import argparse
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.clock import paris_today  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.domain.progress import evaluate_progress  # noqa: E402
from app.progress import batch  # noqa: E402
from app.progress.parameters import parameters_for  # noqa: E402

TARGET_SECONDS = 10


def measure(database_url: str) -> dict:
    """Read every pathway's facts, then evaluate them, timing both phases."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url)})
    with app.app_context():
        today = paris_today()
        params = parameters_for(today)
        started = time.process_time()
        wall = time.perf_counter()
        facts = []
        low, top = batch.db.session.execute(batch.sa.select(
            batch.sa.func.min(batch.Pathway.id), batch.sa.func.max(batch.Pathway.id))).one()
        while low is not None and low <= top:
            facts.extend(batch.chunk_facts(low, low + batch.CHUNK - 1, today))
            low += batch.CHUNK
        read_cpu = time.process_time() - started
        statuses = Counter()
        started = time.process_time()
        for _, _, pathway in facts:
            statuses[evaluate_progress(pathway, params, today).durable.status] += 1
        rules_cpu = time.process_time() - started
        wall = time.perf_counter() - wall
        participants = len({participant for _, participant, _ in facts})
    total = read_cpu + rules_cpu
    return {
        "pathways": len(facts),
        "participants": participants,
        "read_cpu_s": round(read_cpu, 2),
        "rules_cpu_s": round(rules_cpu, 2),
        "total_cpu_s": round(total, 2),
        "wall_s": round(wall, 2),
        "rules_us_per_pathway": round(rules_cpu / max(len(facts), 1) * 1e6, 1),
        "total_us_per_participant": round(total / max(participants, 1) * 1e6, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "durable_status": dict(statuses),
        "target_met": total < TARGET_SECONDS,
    }


def main() -> None:
    """Parse the arguments, measure, print and optionally save the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--json", type=Path, help="also write the result to this file")
    args = parser.parse_args()
    result = measure(args.database_url)
    for key, value in result.items():
        print(f"{key:>26}: {value}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
