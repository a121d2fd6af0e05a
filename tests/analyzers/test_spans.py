"""The one span type: a named pair, so it is also the report's (start_s, end_s)."""

from __future__ import annotations

import json

from analyzers.report import Pickup
from analyzers.spans import Span, merge_spans, subtract_spans


def test_a_span_is_a_pair_with_names() -> None:
    span = Span(1.5, 4.0)
    start, end = span
    assert (start, end) == (span.start_s, span.end_s) == (1.5, 4.0)
    assert span.duration_s == 2.5
    assert span == (1.5, 4.0)
    assert sorted([Span(3.0, 4.0), Span(1.0, 2.0)])[0] == Span(1.0, 2.0)


def test_report_spans_stay_json_pairs() -> None:
    pickup = Pickup(source="audio", rings=1, ring_times=[Span(0.0, 1.0)])
    assert json.loads(pickup.model_dump_json())["ring_times"] == [[0.0, 1.0]]
    loaded = Pickup.model_validate_json('{"source": "audio", "ring_times": [[2.0, 3.5]]}')
    assert loaded.ring_times == [Span(2.0, 3.5)] and loaded.ring_times[0].duration_s == 1.5


def test_merge_sorts_joins_overlapping_and_touching_and_drops_empty() -> None:
    spans = [(5.0, 6.0), (1.0, 2.0), (1.5, 3.0), (3.0, 4.0), (7.0, 7.0), (8.0, 7.5)]
    assert merge_spans(spans) == [Span(1.0, 4.0), Span(5.0, 6.0)]
    assert merge_spans([]) == []


def test_subtract_keeps_what_lies_outside_the_cut() -> None:
    spans = [Span(0.0, 4.0), Span(6.0, 8.0)]
    assert subtract_spans(spans, [Span(1.0, 2.0), Span(3.5, 6.5)]) == [
        Span(0.0, 1.0),
        Span(2.0, 3.5),
        Span(6.5, 8.0),
    ]
    assert subtract_spans(spans, []) == spans
    assert subtract_spans(spans, [Span(-1.0, 9.0)]) == []
