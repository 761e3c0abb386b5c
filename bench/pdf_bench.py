"""The summary PDF's cost against a raw WeasyPrint render of the same HTML, and its memory.

    .venv/bin/python bench/pdf_bench.py --database-url sqlite:////tmp/doc.db [--renders 100]

Needs a database with the demo data (`flask demo-seed`). In one process it alternates:
  - the route: GET /participants/<id>/summary.pdf through the app (permission check, loading,
    audit event and commit, template, the restricted fetcher, shipped fonts, PDF/UA tagging);
  - raw: weasyprint.HTML(string=html).write_pdf() of the very HTML the route rendered, with
    WeasyPrint's defaults (its own fetcher, no tagging).
It reports the median of each, their ratio (the issue's target: ≤ 1.5×), then the resident
memory over 100 route renders in a row (the target: flat) and, for comparison, over 100 raw
renders in a row.
"""

import argparse
import gc
import io
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
import weasyprint  # noqa: E402
from pypdf import PdfReader  # noqa: E402

import app.pdf.render as pdf_render  # noqa: E402
from app import create_app  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Interview, Participant, Pathway, User  # noqa: E402

TARGET_RATIO = 1.5
DEMO_REFERENT = "referente@demo.jalons.fr"


def rss_mib() -> float:
    """Current resident memory of this process, in MiB."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def rss_over(render, renders: int) -> dict[int, float]:
    """Resident memory before and after 1, 10, 50, 100… renders in a row."""
    gc.collect()
    memory = {0: rss_mib()}
    for n in range(1, renders + 1):
        render()
        if n in (1, 10, 50, 100) or n == renders:
            gc.collect()
            memory[n] = rss_mib()
    return memory


def pick_participant(email: str) -> tuple[User, str]:
    """The référent and the public id of their participant with the most interviews."""
    referent = db.session.scalar(sa.select(User).where(User.email == email))
    if referent is None:
        raise SystemExit(f"No user {email}: run `flask demo-seed` on this database first.")
    public_id = db.session.scalar(
        sa.select(Participant.public_id)
        .join(Pathway, Pathway.participant_id == Participant.id)
        .join(Interview, Interview.pathway_id == Pathway.id)
        .where(Participant.referent_id == referent.id)
        .group_by(Participant.id).order_by(sa.func.count(Interview.id).desc()).limit(1)
    )
    return referent, public_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--renders", type=int, default=100)
    parser.add_argument("--referent", default=DEMO_REFERENT)
    parser.add_argument("--json", help="Write the figures to this file too.")
    args = parser.parse_args()

    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(args.database_url),
                      "TESTING": True})
    captured = {}
    real_render_html = pdf_render.render_html

    def capture(*a, **k):
        captured["html"] = real_render_html(*a, **k)
        return captured["html"]

    pdf_render.render_html = capture  # render_pdf looks it up at call time
    with app.app_context():
        referent, public_id = pick_participant(args.referent)
        client = app.test_client()
        now = datetime.now(UTC).timestamp()
        with client.session_transaction() as session:
            session.update({"_user_id": referent.session_token, "_fresh": True,
                            "login_at": now, "seen_at": now})
        url = f"/participants/{public_id}/summary.pdf"

        def route() -> bytes:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response.data

        def raw() -> bytes:
            return weasyprint.HTML(string=captured["html"]).write_pdf()

        for _ in range(3):  # warm up: imports, fonts, caches
            route()
            raw()
        pages = len(PdfReader(io.BytesIO(route())).pages)
        route_ms, raw_ms = [], []
        for _ in range(args.renders):  # timing: the two alternate, so both see the same load
            started = time.perf_counter()
            size = len(route())
            route_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            raw_size = len(raw())
            raw_ms.append((time.perf_counter() - started) * 1000)
        memory = rss_over(route, args.renders)  # then memory: each on its own
        raw_memory = rss_over(raw, args.renders)
    route_median = statistics.median(route_ms)
    raw_median = statistics.median(raw_ms)
    figures = {
        "participant": public_id,
        "renders": args.renders,
        "pages": pages,
        "pdf_bytes": size,
        "raw_pdf_bytes": raw_size,
        "html_chars": len(captured["html"]),
        "route_median_ms": round(route_median, 1),
        "route_p90_ms": round(statistics.quantiles(route_ms, n=10)[-1], 1),
        "raw_median_ms": round(raw_median, 1),
        "raw_p90_ms": round(statistics.quantiles(raw_ms, n=10)[-1], 1),
        "ratio": round(route_median / raw_median, 2),
        "target_ratio": TARGET_RATIO,
        "route_rss_mib": {str(k): round(v, 1) for k, v in memory.items()},
        "route_rss_growth_10_to_last_mib": round(memory[args.renders]
                                                 - memory.get(10, memory[0]), 1),
        "raw_rss_mib": {str(k): round(v, 1) for k, v in raw_memory.items()},
        "raw_rss_growth_10_to_last_mib": round(raw_memory[args.renders]
                                               - raw_memory.get(10, raw_memory[0]), 1),
    }
    print(f"Summary PDF of {public_id} ({pages} pages, {figures['pdf_bytes']} bytes, "
          f"{figures['html_chars']} HTML chars), {args.renders} renders of each, alternating:")
    print(f"  route  median {figures['route_median_ms']} ms  p90 {figures['route_p90_ms']} ms")
    print(f"  raw    median {figures['raw_median_ms']} ms  p90 {figures['raw_p90_ms']} ms")
    verdict = "OK" if figures["ratio"] <= TARGET_RATIO else "ABOVE TARGET"
    print(f"  ratio  {figures['ratio']}× (target ≤ {TARGET_RATIO}×) {verdict}")
    for name in ("route", "raw"):
        print(f"  RSS MiB after n {name} renders in a row: "
              + ", ".join(f"{k}: {v}" for k, v in figures[f"{name}_rss_mib"].items())
              + f" (from 10 to {args.renders}: "
              f"{figures[f'{name}_rss_growth_10_to_last_mib']:+} MiB)")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
