"""Property-based run of the whole API (schemathesis, every check, every operation of
the app's own OpenAPI document, with a valid API key): no answer is a 5xx, and every
answer matches what the document declares (status codes, content types, bodies)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.service.conftest import base_settings, running_api, wav_bytes

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

pytestmark = pytest.mark.schemathesis

# Per operation and mode (valid / invalid data): ~20 operations x 2 x this many calls
# stay within about two minutes on a 2-core machine.
EXAMPLES = 40
# Checks that judge the input validation's strictness rather than the document: the
# schema cannot say that random bytes are not audio or that a callback host does not
# resolve (422 with the reason is the right answer there).
INPUT_CHECKS = {"RejectedPositiveData", "AcceptedNegativeData"}


def _failed_checks(error: BaseException) -> list[str]:
    failures = getattr(error, "exceptions", None) or [error]
    return [f"{type(f).__name__}: {getattr(f, 'title', f)}" for f in failures]


def test_no_server_error_and_answers_match_the_schema(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.core.failures import FailureGroup

    problems: list[str] = []
    other_checks: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    by_operation: Counter[str] = Counter()
    with running_api(base_settings(tmp_path, max_upload_bytes=200_000)) as api:
        bearer = api.key("acme", "ingest", "read", "admin")
        # Both ways of sending the key, so a generated value cannot displace the real one.
        headers = {**bearer, "X-API-Key": bearer["Authorization"].removeprefix("Bearer ")}
        # One stored call, so listings answer with real items to check against the schema.
        assert api.upload(bearer, wav_bytes(1.0), agent_id="anna").status_code == 202
        schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                @given(case=operation.as_strategy(generation_mode=mode))
                @settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    database=None,
                    derandomize=True,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                )
                def exercise(case: object) -> None:
                    response = case.call(headers=headers)  # type: ignore[attr-defined]
                    statuses[response.status_code] += 1
                    by_operation[f"{operation.label} {response.status_code}"] += 1
                    where = f"{operation.label} [{mode.value}] -> {response.status_code}"
                    if response.status_code >= 500:
                        problems.append(f"{where}: {response.text[:300]}")
                    try:
                        case.validate_response(response, headers=headers)  # type: ignore[attr-defined]
                    except FailureGroup as exc:  # one failure per check
                        for failure in _failed_checks(exc):
                            if failure.split(":", 1)[0] in INPUT_CHECKS:
                                other_checks[f"{operation.label}: {failure}"] += 1
                            else:
                                problems.append(f"{where}: {failure}")

                try:
                    exercise()
                except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
                    assert mode is GenerationMode.NEGATIVE, operation.label
    print("statuses:", dict(sorted(statuses.items())))
    print("by operation:", dict(sorted(by_operation.items())))
    for name, count in other_checks.most_common():
        print(f"{count:4d}  {name}")
    assert statuses, "schemathesis made no request"
    assert not [s for s in statuses if s >= 500], problems
    assert not problems, "\n".join(dict.fromkeys(problems))
