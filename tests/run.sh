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
PY=python3
# A distribution's own python3 (Debian 12, Ubuntu 24.04: PEP 668) takes no pip installs:
# then the tests run in the project's .venv, made by install.py as Quick start's command 1.
if python3 -c 'import os, sys, sysconfig; sys.exit(not (sys.prefix == sys.base_prefix and
    os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))))'; then
  python3 install.py --profile one-computer --no-start --no-launcher
  PY=.venv/bin/python
fi
"$PY" -m pip install -q -r requirements-test.txt
"$PY" -m pytest "$@"
