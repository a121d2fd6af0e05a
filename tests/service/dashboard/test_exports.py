"""CSV exports."""

from __future__ import annotations

import csv
import io

from service.dashboard.exports import to_csv


def test_csv_cells_that_a_spreadsheet_would_run_are_defused() -> None:
    text = to_csv(["agent", "value"], [["=HYPERLINK(1)", -3.5], ["@x", None], ["ann", 2]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["agent", "value"], ["'=HYPERLINK(1)", "-3.5"], ["'@x", ""], ["ann", "2"]]
