"""Convert a CTranslate2 Whisper model (model.bin) to an openai-whisper checkpoint.

The bundled models ship only in CTranslate2 form; openai-whisper (the second
engine) wants a ``.pt`` with ``{"dims": ..., "model_state_dict": ...}``.
CTranslate2's binary layout (ctranslate2/specs/model_spec.py, ``_serialize``):

    u32 binary version, str spec name, u32 spec revision, u32 variable count,
    per variable: str name, u8 rank, u32 dims[rank], u8 dtype, u32 nbytes, bytes
    u32 alias count, per alias: str alias, str target
    (str = u16 length incl. NUL, bytes, NUL; all little-endian)

Variable names follow the Whisper spec (whisper_spec.py + transformer_spec.py):
self-attention ``linear_0`` is q, k, v fused; cross-attention ``linear_0`` is
q and ``linear_1`` k, v fused; ``ffn/linear_0|1`` are the MLP; layer norms
are gamma/beta; the decoder projection is an alias of the token embedding.
int8/int16 weights carry a ``<name>_scale`` and are dequantised here.

CLI: python -m analyzers.transcribe.convert MODEL_DIR OUT.pt
"""

from __future__ import annotations

import argparse
import json
import os
import re
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from analyzers.errors import ModelUnavailableError

SUPPORTED_BINARY_VERSIONS = (5, 6)
# Order of CTranslate2's DataType enum (include/ctranslate2/types.h).
_CT2_DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")


@dataclass(frozen=True)
class Ct2Model:
    spec_name: str
    revision: int
    variables: dict[str, np.ndarray]
    aliases: dict[str, str]


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise ModelUnavailableError("truncated CTranslate2 model.bin")
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return values

    def string(self) -> str:
        (length,) = self.unpack("<H")
        raw = bytes(self.data[self.pos : self.pos + length])
        self.pos += length
        return raw.rstrip(b"\0").decode("utf-8")

    def array(self, dtype_id: int, shape: tuple[int, ...], nbytes: int) -> np.ndarray:
        if dtype_id >= len(_CT2_DTYPES):
            raise ModelUnavailableError(f"unknown CTranslate2 dtype id {dtype_id}")
        if self.pos + nbytes > len(self.data):
            raise ModelUnavailableError("truncated CTranslate2 model.bin")
        raw = self.data[self.pos : self.pos + nbytes]
        self.pos += nbytes
        name = _CT2_DTYPES[dtype_id]
        if name == "bfloat16":  # numpy has no bfloat16: widen the top half of a float32
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            return bits.view(np.float32).reshape(shape)
        return np.frombuffer(raw, dtype=np.dtype(name).newbyteorder("<")).reshape(shape)


def read_ct2_model(path: Path) -> Ct2Model:
    """Every variable of a CTranslate2 model.bin, as numpy arrays (views into the file)."""
    data = memoryview(Path(path).read_bytes())
    reader = _Reader(data)
    (version,) = reader.unpack("<I")
    if version not in SUPPORTED_BINARY_VERSIONS:
        raise ModelUnavailableError(f"unsupported CTranslate2 binary version {version}")
    spec_name = reader.string()
    (revision,) = reader.unpack("<I")
    (count,) = reader.unpack("<I")
    variables: dict[str, np.ndarray] = {}
    for _ in range(count):
        name = reader.string()
        (rank,) = reader.unpack("<B")
        shape = tuple(reader.unpack(f"<{rank}I")) if rank else ()
        dtype_id, nbytes = reader.unpack("<BI")
        variables[name] = reader.array(dtype_id, shape, nbytes)
    (alias_count,) = reader.unpack("<I")
    aliases = {}
    for _ in range(alias_count):
        alias = reader.string()
        aliases[alias] = reader.string()
    if reader.pos != len(data):
        raise ModelUnavailableError("CTranslate2 model.bin has trailing bytes (unknown layout)")
    return Ct2Model(spec_name, revision, variables, aliases)


def _float(model: Ct2Model, name: str) -> np.ndarray:
    """A weight as float32, dequantised when it was stored as int8/int16."""
    value = model.variables[model.aliases.get(name, name)]
    if value.dtype in (np.int8, np.int16):
        scale = model.variables.get(name + "_scale")
        if scale is None:
            raise ModelUnavailableError(f"{name} is quantised but has no {name}_scale")
        scale = np.asarray(scale, dtype=np.float32)
        # int8: one scale per output row (conv weights flattened per output channel)
        per_row = scale.reshape((-1,) + (1,) * (value.ndim - 1)) if scale.ndim else scale
        return value.astype(np.float32) / per_row
    return value.astype(np.float32)


def _scalar(model: Ct2Model, name: str) -> int:
    return int(np.asarray(model.variables[name]).reshape(()))


def _count_layers(model: Ct2Model, stack: str) -> int:
    pattern = re.compile(rf"^{stack}/layer_(\d+)/")
    indices = {int(m.group(1)) for n in model.variables if (m := pattern.match(n))}
    return max(indices) + 1 if indices else 0


def sinusoids(length: int, channels: int, max_timescale: float = 10000.0) -> np.ndarray:
    """openai-whisper's encoder position table (whisper/model.py: sinusoids)."""
    log_timescale_increment = np.log(max_timescale) / (channels // 2 - 1)
    inv_timescales = np.exp(-log_timescale_increment * np.arange(channels // 2))
    scaled_time = np.arange(length)[:, None] * inv_timescales[None, :]
    return np.concatenate([np.sin(scaled_time), np.cos(scaled_time)], axis=1).astype(np.float32)


def whisper_dims(model: Ct2Model) -> dict[str, int]:
    enc_pos = model.variables["encoder/position_encodings/encodings"]
    dec_pos = model.variables["decoder/position_encodings/encodings"]
    embeddings = model.variables["decoder/embeddings/weight"]
    return {
        "n_mels": int(model.variables["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(enc_pos.shape[0]),
        "n_audio_state": int(enc_pos.shape[1]),
        "n_audio_head": _scalar(model, "encoder/num_heads"),
        "n_audio_layer": _count_layers(model, "encoder"),
        "n_vocab": int(embeddings.shape[0]),
        "n_text_ctx": int(dec_pos.shape[0]),
        "n_text_state": int(dec_pos.shape[1]),
        "n_text_head": _scalar(model, "decoder/num_heads"),
        "n_text_layer": _count_layers(model, "decoder"),
    }


def openai_state_dict(model: Ct2Model) -> dict[str, np.ndarray]:
    """openai-whisper parameter names -> float32 arrays."""
    if model.spec_name != "WhisperSpec":
        raise ModelUnavailableError(f"not a Whisper model: CTranslate2 spec {model.spec_name!r}")
    dims = whisper_dims(model)
    state: dict[str, np.ndarray] = {}

    def copy(src: str, dst: str) -> None:
        state[dst] = _float(model, src)

    def norm(src: str, dst: str) -> None:
        copy(f"{src}/gamma", f"{dst}.weight")
        copy(f"{src}/beta", f"{dst}.bias")

    def linear(src: str, dst: str) -> None:
        copy(f"{src}/weight", f"{dst}.weight")
        copy(f"{src}/bias", f"{dst}.bias")

    def fused(src: str, dst: str, names: tuple[str, ...]) -> None:
        weights = np.split(_float(model, f"{src}/weight"), len(names), axis=0)
        biases = np.split(_float(model, f"{src}/bias"), len(names), axis=0)
        for name, weight, bias in zip(names, weights, biases, strict=True):
            state[f"{dst}.{name}.weight"] = weight
            # openai-whisper's key projection has no bias (a per-query constant
            # that softmax cancels); CTranslate2 stores zeros there.
            if name != "key":
                state[f"{dst}.{name}.bias"] = bias

    def block(src: str, dst: str, cross: bool) -> None:
        norm(f"{src}/self_attention/layer_norm", f"{dst}.attn_ln")
        fused(f"{src}/self_attention/linear_0", f"{dst}.attn", ("query", "key", "value"))
        linear(f"{src}/self_attention/linear_1", f"{dst}.attn.out")
        if cross:
            norm(f"{src}/attention/layer_norm", f"{dst}.cross_attn_ln")
            linear(f"{src}/attention/linear_0", f"{dst}.cross_attn.query")
            fused(f"{src}/attention/linear_1", f"{dst}.cross_attn", ("key", "value"))
            linear(f"{src}/attention/linear_2", f"{dst}.cross_attn.out")
        norm(f"{src}/ffn/layer_norm", f"{dst}.mlp_ln")
        linear(f"{src}/ffn/linear_0", f"{dst}.mlp.0")
        linear(f"{src}/ffn/linear_1", f"{dst}.mlp.2")

    linear("encoder/conv1", "encoder.conv1")
    linear("encoder/conv2", "encoder.conv2")
    # The encoder's positions are fixed sinusoids; recompute them in float32
    # (model.bin holds a float16 copy) after checking they are what we expect.
    stored = _float(model, "encoder/position_encodings/encodings")
    table = sinusoids(dims["n_audio_ctx"], dims["n_audio_state"])
    if not np.allclose(stored, table, atol=2e-3):
        raise ModelUnavailableError("encoder position encodings are not Whisper's sinusoids")
    state["encoder.positional_embedding"] = table
    for i in range(dims["n_audio_layer"]):
        block(f"encoder/layer_{i}", f"encoder.blocks.{i}", cross=False)
    norm("encoder/layer_norm", "encoder.ln_post")

    copy("decoder/embeddings/weight", "decoder.token_embedding.weight")
    copy("decoder/position_encodings/encodings", "decoder.positional_embedding")  # learned
    for i in range(dims["n_text_layer"]):
        block(f"decoder/layer_{i}", f"decoder.blocks.{i}", cross=True)
    norm("decoder/layer_norm", "decoder.ln")
    return state


def convert(model_dir: Path, output: Path) -> Path:
    """Write an openai-whisper checkpoint for the CTranslate2 model in ``model_dir``.

    Also stores the model's ``alignment_heads`` (from config.json) so the
    openai engine times words with the same cross-attention heads.
    Written to a temporary file and renamed, so readers never see half a file.
    """
    try:
        import torch
    except ImportError as exc:
        raise ModelUnavailableError(
            "converting to openai-whisper needs torch: pip install 'callcoach[openai]'"
        ) from exc
    model_dir = Path(model_dir)
    ct2 = read_ct2_model(model_dir / "model.bin")
    dims = whisper_dims(ct2)
    weights = openai_state_dict(ct2)
    keep_float32 = ct2.variables["decoder/embeddings/weight"].dtype == np.float32
    dtype = torch.float32 if keep_float32 else torch.float16
    checkpoint: dict[str, Any] = {
        "dims": dims,
        "model_state_dict": {k: torch.from_numpy(v).to(dtype) for k, v in weights.items()},
    }
    config_path = model_dir / "config.json"
    if config_path.is_file():
        heads = json.loads(config_path.read_text()).get("alignment_heads")
        if heads:
            checkpoint["alignment_heads"] = [[int(layer), int(head)] for layer, head in heads]
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=output.name + ".", dir=output.parent)
    os.close(fd)
    try:
        torch.save(checkpoint, tmp_name)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, output)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dir", type=Path, help="CTranslate2 Whisper model directory")
    parser.add_argument("output", type=Path, help="openai-whisper checkpoint to write (.pt)")
    args = parser.parse_args(argv)
    path = convert(args.model_dir, args.output)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
