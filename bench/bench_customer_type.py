"""Confusion table of the customer-type detector (analyzers.customer_type).

    PYTHONPATH=. .venv/bin/python bench/bench_customer_type.py

Rows: the type each call was built to be (tests/analyzers/customer_type_calls.py);
columns: what the detector said. First the test set (every type and unclear calls),
then the hard calls that sit between types, each with its scores.
"""

from __future__ import annotations

from analyzers.customer_type import TYPES, classify
from analyzers.profile import default_profile
from tests.analyzers.customer_type_calls import TypedCall, hard_calls, typed_calls

LABELS = (*TYPES, "unclear")


def confusion(calls: list[TypedCall]) -> None:
    profile = default_profile()
    counts = {(t, s): 0 for t in LABELS for s in LABELS}
    for call in calls:
        counts[(call.truth, classify(call.report, profile).type)] += 1
    width = max(len(x) for x in LABELS) + 2
    print("truth \\ said".ljust(width) + "".join(s[:6].rjust(8) for s in LABELS))
    for t in LABELS:
        if any(counts[(t, s)] for s in LABELS):
            print(t.ljust(width) + "".join(str(counts[(t, s)]).rjust(8) for s in LABELS))
    right = sum(counts[(t, t)] for t in LABELS)
    print(f"{right}/{len(calls)} right\n")


def main() -> None:
    print("Test set")
    confusion(typed_calls())
    print("Hard calls")
    confusion(hard_calls())
    profile = default_profile()
    for call in hard_calls():
        result = classify(call.report, profile)
        top = sorted(result.scores.items(), key=lambda kv: -kv[1])[:3]
        scores = ", ".join(f"{k} {v:.2f}" for k, v in top)
        print(
            f"{call.name:22} built {call.truth:12} said {result.type:12} "
            f"conf {result.confidence:.2f}  ({scores})"
        )


if __name__ == "__main__":
    main()
