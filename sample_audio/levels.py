"""Active speech level, ITU-T P.56 method B, in dBov.

dBov here is RMS relative to 1.0 (digital full scale): a full-scale square wave
is 0 dBov and a full-scale sine -3 dBov, the convention
``analyzers.ringback_plans.synthesize_ringback`` uses for its ``level_dbov``.
The generator sets each utterance to its target with this measure.
"""

from __future__ import annotations

import numpy as np

_ENVELOPE_TIME_S = 0.03
_HANGOVER_S = 0.2
_MARGIN_DB = 15.9
_FLOOR_DBOV = -100.0


def dbov(rms: float) -> float:
    return float(20 * np.log10(max(rms, 1e-10)))


def active_level_dbov(x: np.ndarray, sample_rate: int) -> float:
    """P.56 active speech level of ``x`` (mono float) in dBov.

    The envelope is smoothed twice with a 30 ms time constant; a sample is
    active when the envelope exceeds a threshold c (plus 200 ms hangover), and
    the level is the energy over active samples at the threshold where
    level - c = 15.9 dB. Returns -100 for silence.
    """
    from scipy.ndimage import maximum_filter1d
    from scipy.signal import lfilter

    x = np.asarray(x, dtype=np.float64)
    energy = float(np.sum(x**2))
    if x.size == 0 or energy <= 0.0:
        return _FLOOR_DBOV
    g = np.exp(-1.0 / (sample_rate * _ENVELOPE_TIME_S))
    p = lfilter([1 - g], [1, -g], np.abs(x))
    q = lfilter([1 - g], [1, -g], p)
    hang = max(1, round(_HANGOVER_S * sample_rate))
    hang_origin = hang - (hang + 1) // 2
    top_db = np.ceil(dbov(float(q.max())))
    thresholds_db = np.arange(top_db - 80.0, top_db + 0.5, 0.5)
    diffs = []
    for c_db in thresholds_db:
        above = q >= 10 ** (c_db / 20)
        # Hangover: a sample stays active for `hang` samples after the envelope falls
        # (window [n - hang, n]).
        active = maximum_filter1d(above.astype(np.uint8), size=hang + 1, origin=hang_origin)
        n_active = int(active.sum())
        if n_active == 0:
            diffs.append(-np.inf)
            continue
        level_db = 10 * np.log10(energy / n_active)
        diffs.append(level_db - c_db)
    diffs_arr = np.asarray(diffs)
    # diff falls as the threshold rises; find the first threshold where it drops below the margin.
    below = np.flatnonzero(diffs_arr <= _MARGIN_DB)
    if below.size == 0:
        return _FLOOR_DBOV
    j = int(below[0])
    if j == 0:
        return float(thresholds_db[0] + diffs_arr[0])
    d0, d1 = diffs_arr[j - 1], diffs_arr[j]
    frac = (d0 - _MARGIN_DB) / (d0 - d1) if np.isfinite(d1) and d0 != d1 else 0.0
    c = thresholds_db[j - 1] + frac * (thresholds_db[j] - thresholds_db[j - 1])
    return float(c + _MARGIN_DB)
