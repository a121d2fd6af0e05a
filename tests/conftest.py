"""Suite-wide hooks: skip ``@pytest.mark.espeak`` tests with the reason without espeak-ng."""

from __future__ import annotations

import shutil

import pytest


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("espeak") and shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not on PATH: apt-get install espeak-ng to build sample calls")
