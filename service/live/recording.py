"""The live call's recording: two tracks in, one stereo WAV blob out.

Frames of the two tracks arrive in any interleaving; whatever both tracks have is
written, interleaved, to a temporary file as it aligns (so memory holds only the
part one track is ahead by). At the end the shorter track is padded with silence and
the WAV (the agent on the configured channel) goes to storage under the call id.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from service.live.codec import BYTES_PER_SAMPLE, SILENCE_BYTE, Encoding, interleave, wav_header
from service.storage import AudioStorage, StoredBlob

TRACKS = ("agent", "customer")


class TracksOutOfStepError(Exception):
    """One track ran too far ahead of the other (a client that sends one side only)."""


class RecordingWriter:
    def __init__(
        self,
        work_dir: Path,
        encoding: Encoding,
        sample_rate: int,
        agent_channel: int,
        max_skew_s: float = 10.0,
    ) -> None:
        work_dir.mkdir(parents=True, exist_ok=True)
        self.encoding, self.sample_rate, self.agent_channel = encoding, sample_rate, agent_channel
        self._width = BYTES_PER_SAMPLE[encoding]
        self._max_skew_bytes = int(max_skew_s * sample_rate) * self._width
        self._pending: dict[str, bytearray] = {t: bytearray() for t in TRACKS}
        self._received: dict[str, int] = dict.fromkeys(TRACKS, 0)  # samples per track
        # Open for the writer's life (closed by store or close).
        self._file = tempfile.TemporaryFile(dir=work_dir, prefix="live-")  # noqa: SIM115
        self._frames = 0

    def samples(self, track: str) -> int:
        return self._received[track]

    @property
    def duration_s(self) -> float:
        """Length so far: the longer track's."""
        return max(self._received.values()) / self.sample_rate

    def write(self, track: str, payload: bytes) -> None:
        self._pending[track] += payload
        self._received[track] += len(payload) // self._width
        self._flush_aligned()
        skew = abs(len(self._pending["agent"]) - len(self._pending["customer"]))
        if skew > self._max_skew_bytes:
            ahead = max(TRACKS, key=lambda t: len(self._pending[t]))
            raise TracksOutOfStepError(
                f"the {ahead} track is more than "
                f"{self._max_skew_bytes / self._width / self.sample_rate:.0f} s ahead of the other"
            )

    def _flush_aligned(self) -> None:
        n = min(len(p) for p in self._pending.values())
        if n == 0:
            return
        agent, customer = (bytes(self._pending[t][:n]) for t in TRACKS)
        for track in TRACKS:
            del self._pending[track][:n]
        left, right = (agent, customer) if self.agent_channel == 0 else (customer, agent)
        self._file.write(interleave(left, right, self.encoding))
        self._frames += n // self._width

    def store(self, storage: AudioStorage, key: str, max_bytes: int | None = None) -> StoredBlob:
        """Pad the shorter track, write the WAV into storage (blocking), close."""
        longest = max(len(p) for p in self._pending.values())
        for track in TRACKS:
            missing = longest - len(self._pending[track])
            self._pending[track] += SILENCE_BYTE[self.encoding] * missing
        self._flush_aligned()
        writer = storage.writer(key, max_bytes=max_bytes)
        try:
            writer.write(wav_header(self.encoding, self.sample_rate, 2, self._frames))
            self._file.seek(0)
            while chunk := self._file.read(256 * 1024):
                writer.write(chunk)
            return writer.finish()
        except BaseException:
            writer.abort()
            raise
        finally:
            self.close()

    def close(self) -> None:
        self._file.close()
