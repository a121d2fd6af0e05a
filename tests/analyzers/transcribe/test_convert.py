"""CTranslate2 model.bin -> openai-whisper checkpoint.

The round trip uses CTranslate2's own writer (its spec classes, float16 and
int8 quantisation), filled the way its Whisper converter fills them, so the
reader and the dequantisation are checked against the real format. The
bundled tiny.en is then converted and loaded by openai-whisper itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analyzers.transcribe.convert import (
    openai_state_dict,
    read_ct2_model,
    sinusoids,
    whisper_dims,
)
from analyzers.transcribe.models import resolve_model

DIMS = {
    "n_mels": 4,
    "n_audio_ctx": 6,
    "n_audio_state": 8,
    "n_audio_head": 2,
    "n_audio_layer": 2,
    "n_vocab": 12,
    "n_text_ctx": 5,
    "n_text_state": 8,
    "n_text_head": 2,
    "n_text_layer": 2,
}


def _random_whisper_weights(seed: int = 0) -> dict[str, np.ndarray]:
    """An openai-whisper state dict (names and shapes of whisper/model.py), random values."""
    rng = np.random.default_rng(seed)
    n, m = DIMS["n_audio_state"], DIMS["n_mels"]

    def r(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape).astype(np.float32) * 0.5

    sd: dict[str, np.ndarray] = {
        "encoder.conv1.weight": r(n, m, 3),
        "encoder.conv1.bias": r(n),
        "encoder.conv2.weight": r(n, n, 3),
        "encoder.conv2.bias": r(n),
        "encoder.positional_embedding": sinusoids(DIMS["n_audio_ctx"], n),
        "encoder.ln_post.weight": r(n),
        "encoder.ln_post.bias": r(n),
        "decoder.token_embedding.weight": r(DIMS["n_vocab"], n),
        "decoder.positional_embedding": r(DIMS["n_text_ctx"], n),
        "decoder.ln.weight": r(n),
        "decoder.ln.bias": r(n),
    }
    blocks = [(f"encoder.blocks.{i}", False) for i in range(DIMS["n_audio_layer"])]
    blocks += [(f"decoder.blocks.{i}", True) for i in range(DIMS["n_text_layer"])]
    for prefix, cross in blocks:
        attentions = ["attn", "cross_attn"] if cross else ["attn"]
        for att in attentions:
            for proj in ("query", "key", "value", "out"):
                sd[f"{prefix}.{att}.{proj}.weight"] = r(n, n)
                if proj != "key":
                    sd[f"{prefix}.{att}.{proj}.bias"] = r(n)
            sd[f"{prefix}.{att}_ln.weight"] = r(n)
            sd[f"{prefix}.{att}_ln.bias"] = r(n)
        sd[f"{prefix}.mlp.0.weight"], sd[f"{prefix}.mlp.0.bias"] = r(4 * n, n), r(4 * n)
        sd[f"{prefix}.mlp.2.weight"], sd[f"{prefix}.mlp.2.bias"] = r(n, 4 * n), r(n)
        sd[f"{prefix}.mlp_ln.weight"], sd[f"{prefix}.mlp_ln.bias"] = r(n), r(n)
    return sd


def _save_ct2(sd: dict[str, np.ndarray], out: Path, quantization: str) -> None:
    """Fill CTranslate2's WhisperSpec as its converter does, and save it."""
    from ctranslate2.specs import whisper_spec

    spec = whisper_spec.WhisperSpec(
        DIMS["n_audio_layer"], DIMS["n_audio_head"], DIMS["n_text_layer"], DIMS["n_text_head"]
    )
    n = DIMS["n_audio_state"]
    zeros = np.zeros(n, dtype=np.float32)

    def norm(spec_ln: object, name: str) -> None:
        spec_ln.gamma, spec_ln.beta = sd[f"{name}.weight"], sd[f"{name}.bias"]

    def lin(spec_lin: object, name: str) -> None:
        spec_lin.weight, spec_lin.bias = sd[f"{name}.weight"], sd[f"{name}.bias"]

    def self_attention(spec_att: object, p: str) -> None:
        norm(spec_att.layer_norm, f"{p}.attn_ln")
        spec_att.linear[0].weight = np.concatenate(
            [sd[f"{p}.attn.{k}.weight"] for k in ("query", "key", "value")]
        )
        spec_att.linear[0].bias = np.concatenate(
            [sd[f"{p}.attn.query.bias"], zeros, sd[f"{p}.attn.value.bias"]]
        )
        lin(spec_att.linear[1], f"{p}.attn.out")

    def ffn(spec_ffn: object, p: str) -> None:
        norm(spec_ffn.layer_norm, f"{p}.mlp_ln")
        lin(spec_ffn.linear_0, f"{p}.mlp.0")
        lin(spec_ffn.linear_1, f"{p}.mlp.2")

    enc, dec = spec.encoder, spec.decoder
    lin(enc.conv1, "encoder.conv1")
    lin(enc.conv2, "encoder.conv2")
    enc.position_encodings.encodings = sd["encoder.positional_embedding"]
    norm(enc.layer_norm, "encoder.ln_post")
    for i, layer in enumerate(enc.layer):
        self_attention(layer.self_attention, f"encoder.blocks.{i}")
        ffn(layer.ffn, f"encoder.blocks.{i}")
    dec.embeddings.weight = sd["decoder.token_embedding.weight"]
    dec.position_encodings.encodings = sd["decoder.positional_embedding"]
    norm(dec.layer_norm, "decoder.ln")
    dec.projection.weight = sd["decoder.token_embedding.weight"]
    for i, layer in enumerate(dec.layer):
        p = f"decoder.blocks.{i}"
        self_attention(layer.self_attention, p)
        norm(layer.attention.layer_norm, f"{p}.cross_attn_ln")
        lin(layer.attention.linear[0], f"{p}.cross_attn.query")
        layer.attention.linear[1].weight = np.concatenate(
            [sd[f"{p}.cross_attn.key.weight"], sd[f"{p}.cross_attn.value.weight"]]
        )
        layer.attention.linear[1].bias = np.concatenate([zeros, sd[f"{p}.cross_attn.value.bias"]])
        lin(layer.attention.linear[2], f"{p}.cross_attn.out")
        ffn(layer.ffn, p)
    spec.register_vocabulary([f"tok{i}" for i in range(DIMS["n_vocab"])])
    spec.validate()
    spec.optimize(quantization=quantization)
    spec.save(str(out))


@pytest.mark.parametrize(("quantization", "tolerance"), [("float16", 2e-3), ("int8", 0.02)])
def test_round_trip_through_ctranslate2s_writer(
    tmp_path: Path, quantization: str, tolerance: float
) -> None:
    pytest.importorskip("ctranslate2", reason="ctranslate2 writes the reference model.bin")
    original = _random_whisper_weights()
    # copies: CTranslate2's quantiser scales float32 arrays in place
    _save_ct2({k: v.copy() for k, v in original.items()}, tmp_path, quantization)
    model = read_ct2_model(tmp_path / "model.bin")
    assert whisper_dims(model) == DIMS
    converted = openai_state_dict(model)
    assert set(converted) == set(original)
    for name, value in original.items():
        assert converted[name].shape == value.shape, name
        # int8: per-row scale 127 / max|row|, so the error is at most half a step
        step = np.abs(value).max() / 127 if quantization == "int8" else 0.0
        np.testing.assert_allclose(converted[name], value, atol=max(tolerance, step), err_msg=name)
    if quantization == "int8":
        assert model.variables["decoder/layer_0/ffn/linear_0/weight"].dtype == np.int8


def test_bundled_model_layout_is_read_whole() -> None:
    source = resolve_model("tiny.en")
    assert source.path is not None
    model = read_ct2_model(source.path / "model.bin")
    dims = whisper_dims(model)
    assert dims == {
        "n_mels": 80,
        "n_audio_ctx": 1500,
        "n_audio_state": 384,
        "n_audio_head": 6,
        "n_audio_layer": 4,
        "n_vocab": 51864,
        "n_text_ctx": 448,
        "n_text_state": 384,
        "n_text_head": 6,
        "n_text_layer": 4,
    }
    state = openai_state_dict(model)
    fused = model.variables["encoder/layer_2/self_attention/linear_0/weight"].astype(np.float32)
    np.testing.assert_array_equal(state["encoder.blocks.2.attn.value.weight"], fused[768:])
    assert "encoder.blocks.2.attn.key.bias" not in state


@pytest.mark.slow
def test_bundled_tiny_en_loads_in_openai_whisper(tmp_path: Path) -> None:
    whisper = pytest.importorskip(
        "whisper", reason="openai-whisper not installed (pip install 'callcoach[openai]')"
    )
    import torch

    from analyzers.transcribe.convert import main

    source = resolve_model("tiny.en")
    assert source.path is not None
    out = tmp_path / "tiny.en.pt"
    assert main([str(source.path), str(out)]) == 0
    model = whisper.load_model(str(out), device="cpu")  # strict load_state_dict
    assert model.dims.n_vocab == 51864 and not model.is_multilingual
    checkpoint = torch.load(out, map_location="cpu", weights_only=True)
    heads = json.loads((source.path / "config.json").read_text())["alignment_heads"]
    assert checkpoint["alignment_heads"] == heads
    ct2 = read_ct2_model(source.path / "model.bin")
    expected = ct2.variables["decoder/layer_1/attention/linear_1/weight"][:384].astype(np.float32)
    got = model.decoder.blocks[1].cross_attn.key.weight.detach().numpy()
    np.testing.assert_array_equal(got, expected)
