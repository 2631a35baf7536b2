# syntax=docker/dockerfile:1
# One image for the LayerLab server and its workers (docker-compose.yml runs both).
#
#   docker build -t layerlab .                                   # torch from PyPI
#   docker build -t layerlab --build-arg TORCH_SPEC='torch==2.13.0' \
#       --build-arg TORCH_INDEX_URL=<a PyTorch wheel index, CPU or CUDA> .
#
# torch is installed first and on its own (the largest layer, rebuilt only when
# TORCH_SPEC changes); the package's own range (torch>=2.4) accepts it.

# -- the browser app -----------------------------------------------------------------
FROM node:22-slim AS frontend
WORKDIR /frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
# `npm run build` would also type-check against the API types; the checks run in CI.
RUN npx vite build

# -- the Python package ----------------------------------------------------------------
FROM python:3.11-slim

ARG TORCH_SPEC="torch>=2.4"
ARG TORCH_INDEX_URL=""
# Optional extras: "onnx,ray" for the images of the Ray profile (docker-compose.yml).
ARG EXTRAS="onnx"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 1000 layerlab
WORKDIR /app

RUN if [ -n "$TORCH_INDEX_URL" ]; then \
        pip install --index-url "$TORCH_INDEX_URL" "$TORCH_SPEC"; \
    else \
        pip install "$TORCH_SPEC"; \
    fi

COPY pyproject.toml README.md ./
COPY backend ./backend
RUN pip install ".[${EXTRAS}]"

COPY graphs ./graphs
COPY --from=frontend /frontend/dist ./frontend/dist

# The server reads its settings from LAYERLAB_* variables (layerlab/server/settings.py).
ENV LAYERLAB_DATA_DIR=/data \
    LAYERLAB_CHECKPOINT_DIR=/checkpoints \
    LAYERLAB_PRESETS_DIR=/app/graphs \
    LAYERLAB_FRONTEND_DIST=/app/frontend/dist
RUN mkdir -p /data /checkpoints && chown layerlab:layerlab /data /checkpoints

USER layerlab
EXPOSE 8000
# Listening on 0.0.0.0 turns auth on: set LAYERLAB_TOKEN (or read the generated one
# from the log). Workers run as their own containers, so none is started here.
CMD ["layerlab", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "0"]
