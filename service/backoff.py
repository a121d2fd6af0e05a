"""Retry delays shared by jobs, downloads and callback deliveries."""

from __future__ import annotations


def retry_delay_s(attempts: int, base_s: float, max_s: float) -> float:
    """Exponential backoff after ``attempts`` failures: base, 2 base, 4 base, ... capped."""
    return min(max_s, base_s * 2 ** max(0, attempts - 1))
