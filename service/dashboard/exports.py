"""CSV exports: the calls table and an agent's per-call metrics."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from fastapi.responses import Response

from analyzers.rule_table import RULE_IDS
from service.dashboard.queries import CallMetrics, CallRow

# Cells a spreadsheet would run as a formula (CSV injection): agent ids and external ids
# come from clients.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def csv_response(text: str, filename: str) -> Response:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in filename)
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


def calls_csv(rows: list[CallRow]) -> str:
    header = [
        "call_id",
        "recorded_at",
        "agent_id",
        "external_id",
        "duration_s",
        "status",
        "findings",
        *(f"findings_{rule}" for rule in RULE_IDS),
    ]

    def line(row: CallRow) -> list[object]:
        counts = {b.rule: b.count for b in row.badges}
        call = row.call
        return [
            str(call.id),
            call.recorded_at.isoformat(),
            call.agent_id,
            call.external_id,
            None if call.duration_s is None else round(call.duration_s, 2),
            call.status,
            call.findings_count,
            *(counts.get(rule, 0) for rule in RULE_IDS),
        ]

    return to_csv(header, (line(r) for r in rows))


def agent_metrics_csv(rows: list[CallMetrics]) -> str:
    """One line per analysed call: each metric's value and status, finding counts."""
    order = {rule: i for i, rule in enumerate(RULE_IDS)}
    keys = sorted(
        {key for r in rows for key in r.statuses},
        key=lambda k: (order.get(k[0], len(order)), k[1]),
    )
    units = {key: unit for r in rows for key, unit in r.units.items()}

    def column(key: tuple[str, str]) -> str:
        unit = units.get(key)
        return f"{key[0]}: {key[1]}" + (f" ({unit})" if unit else "")

    header = [
        "call_id",
        "recorded_at",
        "agent_id",
        "duration_s",
        "findings",
        *(column(k) for k in keys),
        *(f"{column(k)} status" for k in keys),
        *(f"findings_{rule}" for rule in RULE_IDS),
    ]
    return to_csv(
        header,
        (
            [
                str(r.call_id),
                r.recorded_at.isoformat(),
                r.agent_id,
                None if r.duration_s is None else round(r.duration_s, 2),
                r.findings_count,
                *(r.values.get(k) for k in keys),
                *(r.statuses.get(k) for k in keys),
                *(r.findings.get(rule, 0) for rule in RULE_IDS),
            ]
            for r in rows
        ),
    )
