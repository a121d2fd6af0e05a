# callcoach: one image for the API (`callcoach serve`) and the workers (`callcoach worker`).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ORT_DISABLE_TELEMETRY=1 \
    HF_HUB_OFFLINE=1 \
    CALLCOACH_DATA_DIR=/data \
    CALLCOACH_MODEL_CACHE=/data/models

# libsndfile for soundfile (the PyAV wheels bundle their own FFmpeg).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsndfile1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md* ./
RUN mkdir -p analyzers service \
    && touch analyzers/__init__.py service/__init__.py \
    && pip install ".[team,multilingual]" \
    && pip install --no-deps "asent==0.8.3" \
    && pip uninstall -y callcoach
COPY analyzers ./analyzers
COPY service ./service
COPY sample_audio ./sample_audio
# Editable: the code (and the sample calls for --load-samples) stay in /app.
RUN pip install --no-deps -e .

RUN useradd --create-home --uid 10001 callcoach \
    && mkdir -p /data \
    && chown callcoach:callcoach /data
USER callcoach
VOLUME ["/data"]
EXPOSE 8000

CMD ["callcoach", "serve", "--host", "0.0.0.0", "--port", "8000"]
