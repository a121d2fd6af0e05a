"""The calls table's filters, order and page, as the page's query string carries them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query

from analyzers.rule_table import RULE_IDS
from service.calls.queries import CallFilters
from service.dashboard.dates import end_of, parse_day, start_of
from service.dashboard.queries import SORT_KEYS
from service.db.models import CALL_STATUSES


@dataclass(frozen=True)
class TableQuery:
    """The calls table's filters and order, as the page's query string carries them."""

    agent: str | None
    date_from: date | None
    date_to: date | None
    rule: str | None
    status: str | None
    sort: str
    descending: bool
    page: int

    def filters(self) -> CallFilters:
        return CallFilters(
            agent_id=self.agent,
            status=self.status,
            recorded_from=start_of(self.date_from) if self.date_from else None,
            recorded_to=end_of(self.date_to) if self.date_to else None,
            rule=self.rule,
        )

    def params(self, **changes: Any) -> dict[str, str]:
        values = {
            "agent": self.agent,
            "from": self.date_from,
            "to": self.date_to,
            "rule": self.rule,
            "status": self.status,
            "sort": self.sort,
            "dir": "desc" if self.descending else "asc",
            "page": self.page,
        }
        values.update(changes)
        return {k: str(v) for k, v in values.items() if v not in (None, "")}

    def url(self, path: str = "/calls", **changes: Any) -> str:
        return f"{path}?{urlencode(self.params(**changes))}"

    def sort_url(self, key: str) -> str:
        descending = not self.descending if key == self.sort else key in ("date", "findings")
        return self.url(sort=key, dir="desc" if descending else "asc", page=1)


def table_query(
    agent: str | None = None,
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
    rule: str | None = None,
    status: str | None = None,
    sort: str = "date",
    dir: str = "desc",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> TableQuery:
    """The query string -> a TableQuery (unknown rules, statuses and sorts are ignored)."""
    return TableQuery(
        agent=agent or None,
        date_from=parse_day(from_),
        date_to=parse_day(to),
        rule=rule if rule in RULE_IDS else None,
        status=status if status in CALL_STATUSES else None,
        sort=sort if sort in SORT_KEYS else "date",
        descending=dir != "asc",
        page=page,
    )


TableQueryDep = Annotated[TableQuery, Depends(table_query)]
