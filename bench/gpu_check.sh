#!/usr/bin/env bash
# Issue 21 ("Fast on a GPU") on a lent GPU machine: the CUDA tests, then
# bench/train_overhead.py on CUDA (overhead rows, then throughput and MFU), in at most
# about 9 minutes of wall time (each stage has its own `timeout`, so a hang costs only
# its stage). Expected: 5-7 minutes on an H200.
#
# The device machine has python3 with a CUDA torch, pytest and numpy, but not pydantic,
# which LayerLab needs: bring it as wheels. Once, on the developer machine:
#
#     bash bench/gpu_check.sh --prepare      # pydantic & co. into .whl/ (~3 MB, ignored by git)
#
# then through the session's device tool, from the repository root:
#
#     run(command="bash bench/gpu_check.sh", carry=[".whl"], timeout_s=600)
#
# What comes back under $OUT (and lies in files_at): gpu_check.log (everything printed),
# nvidia-smi.txt, pytest_cuda.log, pytest_fast.log, train_overhead_cuda.{json,md}. Copy
# the last two to bench/results/ to keep them.
#
# A dry run of this script on a CPU, tiny settings, no GPU (minutes on 2 busy cores):
#
#     GPU_CHECK_DRY=1 GPU_CHECK_PY=.venv/bin/python OUT=/tmp/gpu_dry bash bench/gpu_check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
WHEELS=(pydantic pydantic-core annotated-types typing-inspection typing-extensions)

if [ "${1:-}" = "--prepare" ]; then
  exclude="$(git rev-parse --git-path info/exclude)"
  mkdir -p "$(dirname "$exclude")"
  grep -qx '/.whl/' "$exclude" 2>/dev/null || echo '/.whl/' >>"$exclude"
  # The versions this checkout's .venv runs, for the device's Python 3.12 on x86-64.
  pins=$(.venv/bin/python -c "import sys; from importlib.metadata import version
print(' '.join(f'{n}=={version(n)}' for n in sys.argv[1:]))" "${WHEELS[@]}")
  rm -rf .whl
  # shellcheck disable=SC2086
  exec .venv/bin/python -m pip download -q --no-deps --only-binary=:all: \
    --python-version 3.12 --implementation cp --platform manylinux_2_28_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d .whl $pins
fi

OUT="${OUT:-/tmp/gpu_check_out}"
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
PY="${GPU_CHECK_PY:-python3}"
DEVICE=cuda
OVERHEAD=(--pairs 8 --chunk-s 0.2)  # 8 pairs of ~0.2 s chunks per row
MFU=(--pairs 5 --steps 10)
if [ -n "${GPU_CHECK_DRY:-}" ]; then  # the script's own smoke test, on a CPU, in minutes
  DEVICE=cpu OVERHEAD=(--pairs 1 --steps 1 --batch 2) MFU=(--pairs 1 --steps 1 --mfu-batch 2 --mfu-executions eager)
fi
started=$(date +%s)
stage() { echo; echo "== $1 ($(($(date +%s) - started)) s in)"; }

checks() {
  stage "environment"
  if compgen -G ".whl/*.whl" >/dev/null; then
    $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
      --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site
  fi
  export PYTHONPATH="$PWD/backend${PYTHONPATH:+:$PYTHONPATH}"
  nvidia-smi 2>&1 | tee "$OUT/nvidia-smi.txt"
  if ! $PY -c "import torch, layerlab.train.loop; print('torch', torch.__version__, 'cuda', torch.version.cuda)"; then
    echo "LayerLab does not import here: run 'bash bench/gpu_check.sh --prepare' and carry .whl"
    return 1
  fi

  stage "CUDA tests (pytest tests/train -k 'cuda or gpu')"
  timeout -k 5 60 $PY -m pytest -q -p no:cacheprovider --timeout 45 --continue-on-collection-errors \
    tests/train -k "cuda or gpu" 2>&1 | tee "$OUT/pytest_cuda.log"
  echo "exit ${PIPESTATUS[0]}"

  local extra=() f
  for f in tests/train/test_fast.py tests/train/test_async_telemetry.py; do
    [ -f "$f" ] && extra+=("$f")
  done
  if [ ${#extra[@]} -gt 0 ]; then
    stage "fast execution and async telemetry: ${extra[*]}"
    timeout -k 5 90 $PY -m pytest -q -p no:cacheprovider --timeout 60 "${extra[@]}" 2>&1 |
      tee "$OUT/pytest_fast.log"
    echo "exit ${PIPESTATUS[0]}"
  fi

  stage "training-loop overhead: 4 networks x telemetry off/default/deep, eager, precision auto"
  # The rows are written as they come: a stage cut short keeps what it measured.
  timeout -k 10 170 $PY bench/train_overhead.py --device "$DEVICE" --fresh --no-accuracy \
    --networks lenet5,resnet18,transformer,gpt --levels off,default,deep "${OVERHEAD[@]}" \
    --out "$OUT"
  echo "exit $?"

  stage "throughput and MFU: ResNet-18 and the GPT at a full batch, eager then fast"
  # Each fast row compiles LayerLab's step and the hand loop's (tens of seconds each):
  # the eager rows come first, then the GPT's cheaper compile, then ResNet-18's.
  timeout -k 10 200 $PY bench/train_overhead.py --device "$DEVICE" --only-mfu --no-accuracy \
    --mfu-networks gpt,resnet18 "${MFU[@]}" --out "$OUT"
  echo "exit $?"

  stage "done"
  ls -l "$OUT"
}

checks 2>&1 | tee "$OUT/gpu_check.log"
