#!/bin/sh
# Quick start: install ai_nano into .venv beside this file (PEP 668-safe), then open it.
# Options are install.py's: --profile laptop|one-computer, --torch-cpu, --no-launcher, --no-start.
exec python3 "$(dirname "$0")/install.py" "$@"
