#!/usr/bin/env bash
# Print the path of a working `uv`, installing it from PyPI into .tools/ when it is missing.
# Needs only Python 3.11 (on a bare Debian/Ubuntu, as root, python3-venv is installed if absent).
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v uv >/dev/null 2>&1; then command -v uv; exit 0; fi
if [ -x .tools/bin/uv ]; then echo "$PWD/.tools/bin/uv"; exit 0; fi
PY=$(command -v python3.11 || command -v python3)
if ! "$PY" -m venv --help >/dev/null 2>&1 || ! "$PY" -c 'import ensurepip' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Cài python3-venv để tạo môi trường cho uv..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
  else
    echo "Thiếu python3-venv: chạy 'sudo apt-get install python3-venv' rồi thử lại." >&2; exit 1
  fi
fi
"$PY" -m venv .tools >&2
.tools/bin/pip install -q uv >&2
echo "$PWD/.tools/bin/uv"
