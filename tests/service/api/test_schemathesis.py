"""Property-based run of the whole API (schemathesis, every check, every operation of
the app's own OpenAPI document, with a valid API key): no answer is a 5xx, and every
answer matches what the document declares (status codes, content types, bodies)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.service.conftest import base_settings, running_api, wav_bytes

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

pytestmark = pytest.mark.schemathesis

# Per operation and mode (valid / invalid data): ~20 operations x 2 x this many calls
# take about a minute on a 2-core machine.
EXAMPLES = 40
# Checks that judge the input validation's strictness rather than the document: the
# schema cannot say that random bytes are not audio or that a callback host does not
# resolve (422 with the reason is the right answer there).
INPUT_CHECKS = {"RejectedPositiveData", "AcceptedNegativeData"}


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)  # 5xx and schema mismatches
    input_checks: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)


def _fuzz(operation: Any, mode: Any, headers: dict[str, str], found: Findings) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.core.failures import FailureGroup

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def exercise(case: Any) -> None:
        response = case.call(headers=headers)
        found.statuses[f"{operation.label} {response.status_code}"] += 1
        where = f"{operation.label} [{mode.value}] -> {response.status_code}"
        if response.status_code >= 500:
            found.problems.append(f"{where}: {response.text[:300]}")
        try:
            case.validate_response(response, headers=headers)
        except FailureGroup as group:  # one failure per failed check
            for failure in group.exceptions:
                name = f"{type(failure).__name__}: {getattr(failure, 'title', failure)}"
                if type(failure).__name__ in INPUT_CHECKS:
                    found.input_checks[f"{operation.label}: {name}"] += 1
                else:
                    found.problems.append(f"{where}: {name}")

    try:
        exercise()
    except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
        assert mode.value == "negative", operation.label


def test_no_server_error_and_answers_match_the_schema(tmp_path: Path) -> None:
    from schemathesis import GenerationMode

    found = Findings()
    with running_api(base_settings(tmp_path, max_upload_bytes=200_000)) as api:
        bearer = api.key("acme", "ingest", "read", "admin")
        # Both ways of sending the key, so a generated value cannot displace the real one.
        headers = {**bearer, "X-API-Key": bearer["Authorization"].removeprefix("Bearer ")}
        # One stored call, so listings answer with real items to check against the schema.
        assert api.upload(bearer, wav_bytes(1.0), agent_id="anna").status_code == 202
        schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
        for result in schema.get_all_operations():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _fuzz(result.ok(), mode, headers, found)
    print("answers:", dict(sorted(found.statuses.items())))
    for name, count in found.input_checks.most_common():
        print(f"{count:4d}  {name}")
    assert sum(found.statuses.values()) > 500, "schemathesis made too few requests"
    assert not [s for s in found.statuses if s.endswith(tuple(f" 5{n:02d}" for n in range(100)))]
    assert not found.problems, "\n".join(dict.fromkeys(found.problems))
