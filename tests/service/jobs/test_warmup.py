"""Worker process/thread set-up: model warm-up and analysis priority."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from service.jobs.warmup import ModelWarmup, lower_thread_priority
from tests.service.conftest import base_settings


def test_analysis_threads_run_below_the_api() -> None:
    seen: dict[str, int] = {}
    api_priority = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def analysis_thread() -> None:
        lower_thread_priority(10)
        seen["analysis"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        child = threading.Thread(
            target=lambda: seen.update(
                child=os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            )
        )
        child.start()
        child.join()

    thread = threading.Thread(target=analysis_thread)
    thread.start()
    thread.join()
    expected = max(10, api_priority)
    assert seen == {"analysis": expected, "child": expected}  # inference threads inherit it
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == api_priority


def test_warmup_states(tmp_path: Path) -> None:
    lazy = ModelWarmup(base_settings(tmp_path, warm_up_model=False))
    assert lazy.state() == "lazy"
    none = ModelWarmup(base_settings(tmp_path, warm_up_model=True, default_engine="none"))
    none.run()
    assert none.state() == "loaded" and none.finished.is_set()
    broken = ModelWarmup(
        base_settings(
            tmp_path,
            warm_up_model=True,
            default_engine="faster-whisper",
            default_model="/nonexistent/model",
        )
    )
    broken.run()
    assert broken.state() == "error" and broken.finished.is_set()
    assert broken.error
