#!/usr/bin/env bash
# One-step set-up on a fresh Debian/Ubuntu machine; fast (a few seconds) when nothing changed.
#   system packages (apt) → real street footage for the demo → .venv with CityWall and its tools
# Usage: scripts/setup.sh            the app (the README's run command)
#        scripts/setup.sh --tests    the app and everything the test suite needs, including the
#                                    separate training venv .venv-train (torch + ultralytics, ~6 GB)
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_TESTS=0
[ "${1:-}" = "--tests" ] && WITH_TESTS=1

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

# --- system packages --------------------------------------------------------------------------
APT_PACKAGES=(
  python3 python3-venv python3-dev
  ffmpeg strace xvfb xauth
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-libav gstreamer1.0-plugins-ugly gir1.2-gst-rtsp-server-1.0 python3-gi
  fonts-wqy-microhei
  espeak-ng  # voice prompts spoken from text, offline (app/adapters/voice/tts.py)
  libegl1 libgl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-randr0 libxcb-xinerama0 libxcb-xkb1
)
# The alert store's contract tests run against a real PostgreSQL server too (a throwaway cluster
# that tests/pg_server.py makes with initdb/pg_ctl; the app itself needs no server).
if [ "$WITH_TESTS" = 1 ]; then APT_PACKAGES+=(postgresql); fi
# The prompt editor's listen and record are tested against a sound server of the test's own
# (PulseAudio with a null sink as loudspeaker and its monitor as microphone).
if [ "$WITH_TESTS" = 1 ]; then APT_PACKAGES+=(pulseaudio pulseaudio-utils); fi
# The voice tests: SIPp plays the SIP speaker; it and the multicast receivers run in a private network
# namespace (unshare from util-linux, ip from iproute2).
if [ "$WITH_TESTS" = 1 ]; then APT_PACKAGES+=(sip-tester iproute2 util-linux); fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  say "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- real street footage for the demo (OpenCV's vtest.avi from Debian's opencv-doc) -----------
# The demo can do without it (a generated street scene); the tests cannot: the detection tests are
# tuned on this footage and would only skip, so with --tests a failed fetch stops the set-up.
if [ ! -s resources/demo/vtest.avi ]; then
  say "fetching the demo footage (vtest.avi from Debian's opencv-doc)"
  if ! bash scripts/fetch_vtest.sh; then
    # apt-get download needs package lists: a machine that already had every package may have none.
    say "refreshing the package lists and trying once more"
    { $SUDO apt-get update -qq && bash scripts/fetch_vtest.sh; } || {
      if [ "$WITH_TESTS" = 1 ]; then
        echo "[setup] could not fetch resources/demo/vtest.avi (see above): the tests need this real" \
             "footage. Fix the download, or copy vtest.avi there by hand, and run the set-up again." >&2
        exit 1
      fi
      say "WARNING: no vtest.avi (see above): the demo will show a generated street scene, not real footage"
    }
  fi
fi

# --- Python environment -------------------------------------------------------------------------
PYTHON=""
for candidate in python3.11 python3.12 python3.13 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 14)))'; then
    PYTHON=$candidate; break
  fi
done
[ -n "$PYTHON" ] || { echo "CityWall needs Python 3.11–3.13" >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
stamp=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)
if [ "$(cat .venv/.citywall-setup 2>/dev/null)" != "$stamp" ]; then
  say "installing CityWall and its Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  echo "$stamp" > .venv/.citywall-setup
fi

# --- compiled translations (the .qm is generated, never committed; the app also compiles it if missing) --
ts=resources/i18n/citywall_zh_CN.ts
qm=resources/i18n/citywall_zh_CN.qm
if [ -f "$ts" ] && { [ ! -s "$qm" ] || [ "$ts" -nt "$qm" ]; }; then
  say "compiling the Chinese translation ($qm)"
  .venv/bin/pyside6-lrelease -silent "$ts" -qm "$qm"
fi
if [ "$WITH_TESTS" = 1 ]; then
  bash scripts/setup_train_env.sh
fi
say "ready"
