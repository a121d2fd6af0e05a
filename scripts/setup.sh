#!/usr/bin/env bash
# Set up callcoach in ./.venv on Debian/Ubuntu with Python 3.11.
#   bash scripts/setup.sh          the service and CLI (embedded defaults, bundled model)
#   bash scripts/setup.sh --test   plus what the test suite needs (espeak-ng, sox,
#                                  chromium, real speech corpora, openai-whisper on CPU torch)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
SUDO=""
[[ "$(id -u)" != 0 ]] && SUDO="sudo"

apt_packages=(python3-venv libsndfile1)
if [[ $want_test == 1 ]]; then
  apt_packages+=(espeak-ng sox libsox-fmt-all chromium asterisk-core-sounds-en-wav
                 asterisk-core-sounds-en pocketsphinx-testdata baresip-core
                 asterisk-moh-opsound-wav codec2-examples)
fi
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
"${pip[@]}" --upgrade pip >/dev/null
if [[ $want_test == 1 ]]; then
  # CPU torch first (pinned: an unpinned torch pulls a multi-GB CUDA build), then
  # openai-whisper without its triton dependency (GPU-only, 1 GB).
  "${pip[@]}" torch==2.13.0
  "${pip[@]}" -e ".[dev,multilingual,team]"
  "${pip[@]}" tiktoken more-itertools numba tqdm
  "${pip[@]}" --no-deps openai-whisper
else
  "${pip[@]}" -e ".[multilingual]"
fi
# Sentiment word lists: only asent's data files are read, so not its spaCy dependency
# (not in pyproject.toml for that reason: a dependency there would pull spaCy in).
"${pip[@]}" --no-deps "asent==0.8.3"
echo "==> ready: .venv/bin/callcoach"
