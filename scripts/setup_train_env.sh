#!/usr/bin/env bash
# Creates (idempotently) .venv-train: the SEPARATE training environment for `citywall train`,
# scripts/train_vending_yolo.py and the slow ultralytics tests. The app's .venv never gets torch,
# ultralytics or OpenCV 5; this venv gets all of them.
#
#   torch 2.14.1 + torchvision 0.29.1: the one pair that installs from this machine's local files on
#     Python 3.11 (/opt/pypi-more, capped by /etc/xdg/pip) and imports (a CUDA build, ~5.5 GB, runs on
#     the CPU). torch 2.13.0+cpu (/opt/wheels) is smaller but PyPI's torchvision fails beside it
#     ("operator torchvision::nms does not exist").
#   ultralytics pinned; its opencv-python pinned below 5 so that letterbox resizing matches the app's
#     OpenCV 4 bit for bit; onnx + onnxslim + onnxruntime so that export never tries to auto-install.
#
# Usage: scripts/setup_train_env.sh [VENV_DIR]     (default .venv-train; prints size and time)
# Takes ~1 s when nothing changed (stamp of this file).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${1:-.venv-train}
say() { printf '\033[1;35m[train-env]\033[0m %s\n' "$*"; }

TORCH_PIN="torch==2.14.1"
TORCHVISION_PIN="torchvision==0.29.1"
PACKAGES=(
  "ultralytics==8.4.190"
  "opencv-python>=4.8,<5"
  "onnx>=1.17,<2"
  "onnxslim>=0.1.82"
  "onnxruntime>=1.20,<2"
  "numpy>=1.26,<3"
  # so that detectors (registry, ultralytics_pt backend, yolo_worker) import here as in the app venv
  "pydantic>=2.7,<3"
  "platformdirs>=4"
)

PYTHON=""
for candidate in python3.11 python3.12 python3.13 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 14)))'; then
    PYTHON=$candidate; break
  fi
done
[ -n "$PYTHON" ] || { echo "the training environment needs Python 3.11-3.13" >&2; exit 1; }

stamp=$(sha256sum "$0" | cut -c1-16)
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.citywall-train-setup" 2>/dev/null)" = "$stamp" ]; then
  say "ready ($VENV)"
  exit 0
fi
start=$(date +%s)
[ -x "$VENV/bin/python" ] || { say "creating $VENV with $($PYTHON --version)"; "$PYTHON" -m venv "$VENV"; }
# torch first, pinned: a bare `pip install ultralytics` would resolve the newest torch (a multi-GB
# download that the cap refuses here anyway).
say "installing $TORCH_PIN $TORCHVISION_PIN (local files on this machine; a few minutes the first time)"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q "$TORCH_PIN" "$TORCHVISION_PIN"
say "installing ultralytics, onnx, onnxslim, onnxruntime"
"$VENV/bin/python" -m pip install -q "$TORCH_PIN" "$TORCHVISION_PIN" "${PACKAGES[@]}"
# Check that the pair imports and that no OpenCV 5 slipped in.
YOLO_OFFLINE=1 YOLO_AUTOINSTALL=0 YOLO_CONFIG_DIR="$VENV/ultralytics-config" "$VENV/bin/python" - <<'PY'
import cv2, torch, torchvision, ultralytics, onnx, onnxruntime
assert int(cv2.__version__.split(".")[0]) == 4, cv2.__version__
torchvision.ops.nms(torch.zeros((1, 4)), torch.zeros(1), 0.5)
print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, ultralytics {ultralytics.__version__}, "
      f"onnx {onnx.__version__}, onnxruntime {onnxruntime.__version__}, OpenCV {cv2.__version__}")
PY
echo "$stamp" > "$VENV/.citywall-train-setup"
say "ready: $(du -sh "$VENV" | cut -f1) in $VENV, $(( $(date +%s) - start )) s"
