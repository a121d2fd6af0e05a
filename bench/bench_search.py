"""Search latency over 10,000 stored calls (generated transcripts, ~60 turns each).

Fills a fresh database through the service's own index code (calls, finding rows and
one index row per turn, in en/sv/nb/el), then times typical queries through the API
(GET /v1/search in the real app, auth and JSON included) and prints p50/p95 per query.

    .venv/bin/python bench/bench_search.py --backend sqlite
    .venv/bin/python bench/bench_search.py --backend postgres   # 127.0.0.1:5432, trust

Target (issue 14): p95 < 100 ms on both databases.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
TEAM, OTHER_TEAM = "bench", "others"
AGENTS = [f"agent{n:02d}" for n in range(40)]
FIRST_DAY = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)

NAMES = ["Anna", "Erik", "Maria", "Johan", "Nikos", "Eleni", "Ingrid", "Lars", "Sofia", "Olofsson"]
PHRASES = {
    "en": [
        "thank you for calling {company} my name is {name} how can I help you today",
        "I am calling about my invoice from last month",
        "the amount on the bill is higher than I expected",
        "can you give me your customer number please",
        "let me check that for you it will take a moment",
        "I would like to cancel my subscription",
        "my internet connection keeps dropping in the evening",
        "have you tried restarting the router",
        "I was charged twice on my credit card",
        "I can offer you a refund of {amount} euros",
        "is there anything else I can help you with",
        "could I speak to a manager please",
        "the delivery was supposed to arrive on {day}",
        "I will send you a confirmation by email",
        "thank you for your patience",
        "sorry about the inconvenience",
        "your order number is {number}",
        "we have upgraded your plan at no extra cost",
        "the technician will visit you on {day} morning",
        "okay great thanks a lot bye",
        "I have been waiting on hold for twenty minutes",
        "yes that is correct",
        "no I do not think so",
        "could you repeat that please",
    ],
    "sv": [
        "tack för att du ringer {company} jag heter {name}",
        "jag ringer om min faktura från förra månaden",
        "kan du ge mig ditt kundnummer",
        "jag vill säga upp mitt abonnemang",
        "vänta lite så kollar jag det åt dig",
        "beloppet på räkningen är för högt",
        "vi skickar en bekräftelse via e-post",
        "tack för ditt tålamod hej då",
    ],
    "nb": [
        "takk for at du ringer {company} du snakker med {name}",
        "jeg ringer angående fakturaen min",
        "kan du gi meg kundenummeret ditt",
        "jeg vil si opp abonnementet mitt",
        "et øyeblikk så sjekker jeg det for deg",
        "beløpet på regningen er for høyt",
        "takk for tålmodigheten ha det bra",
    ],
    "el": [
        "ευχαριστούμε που καλέσατε την {company} ονομάζομαι {name}",
        "καλώ για τον λογαριασμό του προηγούμενου μήνα",
        "μπορείτε να μου δώσετε τον αριθμό πελάτη",
        "θέλω να ακυρώσω τη συνδρομή μου",
        "μια στιγμή να το ελέγξω",
        "το ποσό στον λογαριασμό είναι πολύ υψηλό",
        "ευχαριστώ για την υπομονή σας",
    ],
}
LANGUAGE_WEIGHTS = {"en": 0.7, "sv": 0.1, "nb": 0.1, "el": 0.1}
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

QUERIES: list[tuple[str, dict[str, str]]] = [
    ("refund", {}),
    ("cancel subscription", {}),
    ('"credit card"', {}),
    ("manager", {"party": "customer"}),
    ("thank", {}),  # in nearly every call: the worst case
    ("Olofsson", {}),
    ("router", {"agent_id": AGENTS[3]}),
    ("invoice", {"from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}),
    ("refund", {"rule": "dead_air"}),
    ("faktura", {}),
    ("λογαριασμό", {}),
    ("zebra", {}),  # no hit
]


def turn_text(rng: random.Random, language: str) -> str:
    parts = rng.sample(PHRASES[language], k=rng.choice((1, 1, 2, 3)))
    return (
        ". ".join(
            p.format(
                company=rng.choice(["Acme", "Nordtel", "Hellas Energy"]),
                name=rng.choice(NAMES),
                amount=rng.randint(5, 300),
                day=rng.choice(DAYS),
                number=rng.randint(100000, 999999),
            )
            for p in parts
        ).capitalize()
        + "."
    )


def fill(db: Any, calls: int, seed: int = 7) -> float:
    """Stores ``calls`` analysed calls (90 % in the benchmark team); returns seconds."""
    from sqlalchemy import insert

    from service.db.models import DONE, Call, CallFinding
    from service.search.index import insert_segments, ts_config_for
    from service.teams import get_or_create_team

    rng = random.Random(seed)
    started = time.perf_counter()
    with db.session() as session:
        team_ids = [get_or_create_team(session, t).id for t in (TEAM, OTHER_TEAM)]
    for batch_start in range(0, calls, 250):
        call_rows, finding_rows, segment_rows = [], [], []
        for _ in range(min(250, calls - batch_start)):
            call_id = uuid.uuid4()
            team_id = team_ids[0] if rng.random() < 0.9 else team_ids[1]
            agent = rng.choice(AGENTS)
            recorded = FIRST_DAY + timedelta(minutes=rng.randint(0, 120 * 24 * 60))
            language = rng.choices(list(LANGUAGE_WEIGHTS), list(LANGUAGE_WEIGHTS.values()))[0]
            call_rows.append(
                {
                    "id": call_id,
                    "team_id": team_id,
                    "agent_id": agent,
                    "source": "upload",
                    "status": DONE,
                    "options": {},
                    "call_metadata": {},
                    "recorded_at": recorded,
                    "created_at": recorded,
                    "available_at": recorded,
                }
            )
            if rng.random() < 0.3:
                finding_rows.append({"call_id": call_id, "rule": "dead_air", "count": 1})
            t = 0.5
            for turn in range(rng.randint(45, 75)):
                length = rng.uniform(1.5, 12.0)
                segment_rows.append(
                    {
                        "call_id": call_id,
                        "team_id": team_id,
                        "agent_id": agent,
                        "recorded_at": recorded,
                        "party": "agent" if turn % 2 == 0 else "customer",
                        "start_s": round(t, 2),
                        "end_s": round(t + length, 2),
                        "text": turn_text(rng, language),
                        "ts_config": ts_config_for(language),
                    }
                )
                t += length + rng.uniform(0.2, 1.5)
        with db.session() as session:
            session.execute(insert(Call), call_rows)
            if finding_rows:
                session.execute(insert(CallFinding), finding_rows)
            insert_segments(session, segment_rows)
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(client: Any, path: str, params: dict[str, str], headers: dict[str, str], runs: int):  # type: ignore[no-untyped-def]
    for _ in range(3):  # warm caches
        client.get(path, params=params, headers=headers)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path, params=params, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text
    return times, response.json()


def engine_ms(db: Any, team: str, runs: int) -> list[tuple[float, float]]:
    """p50/p95 of each query's search_segments() alone (the databases' part)."""
    from service.search.query import SearchFilters, search_segments
    from service.search.terms import parse_query
    from service.teams import get_or_create_team

    out = []
    with db.session() as session:
        team_id = get_or_create_team(session, team).id
        for q, raw in QUERIES:
            filters = SearchFilters(
                agent_id=raw.get("agent_id"),
                party=raw.get("party"),
                rule=raw.get("rule"),
                recorded_from=datetime.fromisoformat(raw["from"]) if "from" in raw else None,
                recorded_to=datetime.fromisoformat(raw["to"]) if "to" in raw else None,
            )
            times = []
            for run in range(runs + 3):
                start = time.perf_counter()
                search_segments(session, team_id, parse_query(q), filters, 20)
                if run >= 3:
                    times.append((time.perf_counter() - start) * 1000)
            out.append((statistics.median(times), percentile(times, 0.95)))
    return out


def measure(client: Any, headers: dict[str, str], runs: int) -> list[tuple[str, int, float, float]]:
    # What any API request costs here (auth, a small query, JSON): the floor.
    times, body = timed(client, "/v1/calls", {"limit": "20"}, headers, runs)
    rows = [
        (
            "(baseline: GET /v1/calls?limit=20)",
            len(body["items"]),
            statistics.median(times),
            percentile(times, 0.95),
        )
    ]
    for q, filters in QUERIES:
        params = {"q": q, "limit": "20", **filters}
        times, body = timed(client, "/v1/search", params, headers, runs)
        label = q + "".join(f" {k}={v[:10]}" for k, v in filters.items())
        rows.append((label, len(body["items"]), statistics.median(times), percentile(times, 0.95)))
        all_times.extend(times)
    return rows


all_times: list[float] = []


def database_url(backend: str, work: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{work / 'bench.db'}", None
    import psycopg

    name = f"callcoach_bench_search_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", name


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=40, help="timed requests per query")
    parser.add_argument("--sqlite-dir", type=Path, help="keep the SQLite database here")
    parser.add_argument("--keep-postgres", action="store_true", help="do not drop the database")
    args = parser.parse_args()

    from fastapi.testclient import TestClient
    from sqlalchemy import func, select, text

    from service.api.app import create_app
    from service.config import Settings
    from service.db.migrate import upgrade_to_head
    from service.db.session import Database
    from service.keys import create_api_key
    from service.search.index import TranscriptSegment

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url, pg_name = database_url(args.backend, args.sqlite_dir or work)
        try:
            db = Database(url)
            upgrade_to_head(db.engine)
            fill_s = fill(db, args.calls)
            with db.session() as session:
                segments = session.scalar(select(func.count()).select_from(TranscriptSegment))
                if args.backend == "postgres":
                    session.execute(text("ANALYZE"))  # what autovacuum does after a load
            with db.session() as session:
                key = create_api_key(session, TEAM, ["read"]).key
            engine = engine_ms(db, TEAM, args.runs)
            db.dispose()
            settings = Settings(data_dir=work / "data", database_url=url, warm_up_model=False)
            with TestClient(create_app(settings)) as client:
                rows = measure(client, {"Authorization": f"Bearer {key}"}, args.runs)
        finally:
            if pg_name and not args.keep_postgres:
                drop_database(pg_name)
    print(
        f"\n{args.backend}: {args.calls} calls, {segments} turns indexed in {fill_s:.0f} s; "
        f"{args.runs} requests per query through GET /v1/search (limit 20)\n"
    )
    print("| query | hits | API p50 ms | API p95 ms | database p50 ms | database p95 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for (label, hits, p50, p95), db_ms in zip(rows, [(None, None), *engine], strict=True):
        db_cells = "| |" if db_ms[0] is None else f"{db_ms[0]:.1f} | {db_ms[1]:.1f} |"
        print(f"| {label} | {hits} | {p50:.1f} | {p95:.1f} | {db_cells}")
    print(
        f"| **all queries** | | {statistics.median(all_times):.1f} | "
        f"{percentile(all_times, 0.95):.1f} |"
    )


if __name__ == "__main__":
    main()
