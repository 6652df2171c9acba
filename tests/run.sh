#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, then run them all.
# Debian packages: OpenSSH (the test servers), Xvfb + the libraries Qt's xcb plugin needs
# (the launch test), Slurm + munge (the cluster tests), ffmpeg/imagemagick (media, screenshots),
# Debian's own python3 + python3-venv (install.py and unpack.py under the distribution's Python).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  openssh-server openssh-client xvfb xauth x11-utils imagemagick procps iproute2 \
  libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 \
  libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libxcb-cursor0 \
  libgl1 libegl1 libfontconfig1 libdbus-1-3 \
  slurm-wlm munge python3 python3-venv >/dev/null
python3 -m pip install -q -r requirements-test.txt
python3 -m pytest "$@"
