"""Search on both databases: hits at the turn's time, filters, team isolation, the
query's special characters, deletion and re-indexing, stemming and diacritics."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from service.calls.deletion import delete_call
from service.db.session import Database
from service.search.index import TranscriptSegment, index_all, index_call
from service.search.query import Hit, SearchFilters, search_segments
from service.search.terms import QueryError, parse_query
from service.storage import LocalDiskStorage
from tests.service.search.helpers import store_done_call

pytestmark = pytest.mark.services

DAY1 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
DAY2 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)


def _search(db: Database, q: str, team: str = "acme", **filters: object) -> list[Hit]:
    from service.teams import get_or_create_team

    with db.session() as session:
        team_id = get_or_create_team(session, team).id
        hits, _ = search_segments(
            session,
            team_id,
            parse_query(q),
            SearchFilters(**filters),
            100,  # type: ignore[arg-type]
        )
    return hits


def _calls(hits: list[Hit]) -> set[uuid.UUID]:
    return {h.call_id for h in hits}


def test_a_hit_is_the_turn_with_its_party_times_and_marked_snippet(db: Database) -> None:
    call = store_done_call(
        db,
        [
            ("agent", 0.5, 3.2, "Good morning, you are through to Acme support."),
            ("customer", 3.6, 9.8, "Hi, I want to cancel my subscription please."),
            ("agent", 10.1, 14.0, "I can help you with the cancellation <today> & now."),
        ],
    )
    hits = _search(db, "subscription")
    assert [(h.call_id, h.party, h.start_s, h.end_s) for h in hits] == [
        (call, "customer", 3.6, 9.8)
    ]
    assert "<mark>subscription</mark>" in hits[0].snippet_html
    # the turn's text is escaped; only the match is marked
    (escaped,) = _search(db, "help")
    assert "&lt;today&gt; &amp; now" in escaped.snippet_html
    assert escaped.snippet_html.count("<mark>") == 1


def test_filters_agent_dates_party_rule(db: Database) -> None:
    turns = [("agent", 1.0, 2.0, "refund approved"), ("customer", 2.5, 4.0, "refund please")]
    anna = store_done_call(db, turns, agent_id="anna", recorded_at=DAY1, rules=("dead_air",))
    bert = store_done_call(db, turns, agent_id="bert", recorded_at=DAY2)
    assert _calls(_search(db, "refund")) == {anna, bert}
    assert _calls(_search(db, "refund", agent_id="bert")) == {bert}
    assert _calls(_search(db, "refund", recorded_from=DAY2)) == {bert}
    assert _calls(_search(db, "refund", recorded_to=DAY2)) == {anna}
    assert _calls(_search(db, "refund", rule="dead_air")) == {anna}
    assert {(h.call_id, h.party) for h in _search(db, "refund", party="customer")} == {
        (anna, "customer"),
        (bert, "customer"),
    }
    # the most recently stored call first, a call's turns in time order
    assert [(h.call_id, h.start_s) for h in _search(db, "refund")] == [
        (bert, 1.0),
        (bert, 2.5),
        (anna, 1.0),
        (anna, 2.5),
    ]


def test_teams_never_see_each_others_transcripts(db: Database) -> None:
    ours = store_done_call(db, [("agent", 0.0, 1.0, "secret merger codename")], team="acme")
    store_done_call(db, [("agent", 0.0, 1.0, "secret merger codename")], team="rivals")
    assert _calls(_search(db, "codename", team="acme")) == {ours}
    assert len(_search(db, "codename", team="nobody")) == 0


@pytest.mark.parametrize(
    "q",
    [
        "cancel*",
        "-cancel",
        "cancel:subscription",
        "(cancel",
        "'cancel'",
        "cancel ^ subscription",
        '"cancel subscription',
        "cancel\\ subscription & | ! <-> :*",
        "cancel\x00subscription",
    ],
)
def test_query_syntax_never_breaks_the_engine(db: Database, q: str) -> None:
    call = store_done_call(db, [("customer", 1.0, 2.0, "I want to cancel my subscription")])
    assert _calls(_search(db, q)) == {call}


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ('cancel" OR "x', False),  # the OR between quotes is a word, x is a word
        ("NEAR(cancel subscription)", False),
        ("NEAR(cancel)", True),  # NEAR is a word, and the turn has it
        ("OR cancel", True),
        ("cancel NOT x", False),
    ],
)
def test_engine_operators_are_words(db: Database, q: str, found: bool) -> None:
    call = store_done_call(db, [("customer", 1.0, 2.0, "I want to cancel, or near that")])
    assert _calls(_search(db, q)) == ({call} if found else set())


def test_phrases_and_all_words(db: Database) -> None:
    call = store_done_call(db, [("customer", 1.0, 2.0, "my card was charged twice")])
    assert _calls(_search(db, '"card was charged"')) == {call}
    assert _search(db, '"charged card"') == []
    assert _search(db, "card refund") == []  # every word must be in the turn


@pytest.mark.parametrize("q", ["", "   ", "***", '""', "- + ( ) :", "x" * 201])
def test_queries_without_words_are_refused(q: str) -> None:
    with pytest.raises(QueryError):
        parse_query(q)


def test_deleting_a_call_removes_its_index_rows(db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    call = store_done_call(db, [("agent", 0.0, 1.0, "unique kumquat delivery")])
    assert _calls(_search(db, "kumquat")) == {call}
    assert delete_call(db, LocalDiskStorage(tmp_path), call)
    assert _search(db, "kumquat") == []
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(TranscriptSegment)) == 0
        if db.dialect == "sqlite":  # the FTS index forgot the words too
            count = "SELECT count(*) FROM transcript_fts WHERE transcript_fts MATCH 'kumquat'"
            assert session.execute(text(count)).scalar() == 0


def test_reindexing_follows_the_stored_report(db: Database) -> None:
    from service.db.models import CallReport

    call = store_done_call(db, [("customer", 1.0, 2.0, "my card 4111 1111 1111 1111")])
    assert _calls(_search(db, "4111")) == {call}
    with db.session() as session:  # what the redaction step does
        stored = session.get_one(CallReport, call)
        report = dict(stored.report)
        report["turns"] = [{**report["turns"][0], "text": "my card [CARD]"}]
        stored.report = report
        session.flush()
        index_call(session, call)
    assert _search(db, "4111") == []
    assert _calls(_search(db, "card")) == {call}
    with db.session() as session:  # the backfill is idempotent
        assert index_all(session) == 1
    assert len(_search(db, "card")) == 1


def test_english_stemming(db: Database) -> None:
    call = store_done_call(db, [("customer", 1.0, 2.0, "I called yesterday about the invoices")])
    assert _calls(_search(db, "calling")) == {call}
    assert _calls(_search(db, "invoice")) == {call}


def test_swedish_and_norwegian_words(db: Database) -> None:
    sv = store_done_call(
        db, [("customer", 1.0, 2.0, "Jag ringde växeln två gånger")], language="sv"
    )
    nb = store_done_call(db, [("agent", 1.0, 2.0, "Hvordan går det med søknaden?")], language="nb")
    assert _calls(_search(db, "växeln")) == {sv}
    assert _calls(_search(db, "gånger")) == {sv}
    assert _calls(_search(db, "søknaden")) == {nb}
    assert _calls(_search(db, "SØKNADEN")) == {nb}


def test_greek_with_and_without_accents(db: Database) -> None:
    call = store_done_call(
        db, [("customer", 1.0, 2.0, "Καλημέρα σας, θέλω να ακυρώσω την κάρτα μου")], language="el"
    )
    for q in ("κάρτα", "ΚΑΡΤΑ", "καρτα", "καλημερα", "ακυρώσω"):
        hits = _search(db, q)
        assert _calls(hits) == {call}, q
        assert "<mark>" in hits[0].snippet_html


@pytest.mark.parametrize("recent_rows", [20_000, 3])
def test_pages_follow_the_cursor(
    db: Database, recent_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also with PostgreSQL's first step over fewer rows than a page (both steps run)."""
    from service.teams import get_or_create_team

    monkeypatch.setattr("service.search.query.RECENT_ROWS", recent_rows)

    turns = [("agent", float(i), i + 0.5, f"thanks number {i}") for i in range(7)]
    store_done_call(db, turns, recorded_at=DAY1)
    store_done_call(db, turns, recorded_at=DAY2)
    seen: list[tuple[uuid.UUID, float]] = []
    cursor = None
    with db.session() as session:
        team_id = get_or_create_team(session, "acme").id
        while True:
            hits, cursor = search_segments(
                session, team_id, parse_query("thanks"), SearchFilters(), 3, cursor
            )
            seen.extend((h.call_id, h.start_s) for h in hits)
            if cursor is None:
                break
    assert len(seen) == 14 == len(set(seen))
