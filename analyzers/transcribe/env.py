"""Process environment the speech models need: offline, no telemetry.

onnxruntime (loaded by faster-whisper's VAD) looks up a telemetry host and
writes a device id under ~/.cache unless ORT_DISABLE_TELEMETRY is set, and
huggingface_hub reaches for the Hub unless HF_HUB_OFFLINE is set. Both are
read when those libraries are imported, so this runs before any of them.
``setdefault``: an operator who wants downloads sets HF_HUB_OFFLINE=0 first.
"""

from __future__ import annotations

import os

_OFFLINE_DEFAULTS = {"ORT_DISABLE_TELEMETRY": "1", "HF_HUB_OFFLINE": "1"}


def ensure_offline_env() -> None:
    """Set the offline/no-telemetry defaults unless the caller already chose."""
    for name, value in _OFFLINE_DEFAULTS.items():
        os.environ.setdefault(name, value)


def hub_offline() -> bool:
    """True unless HF_HUB_OFFLINE says downloads are allowed."""
    return os.environ.get("HF_HUB_OFFLINE", "1").strip().lower() not in ("0", "false", "no", "")
