# Sourced by the scripts in this folder: make .venv with the project installed, once.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "sie-bokslut needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
  exit 2
fi
stamp=".venv/.installed"
if [ ! -x .venv/bin/python ] || [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "Setting up .venv (first run only; log in .venv/install.log) ..." >&2
  "$python" -m venv .venv
  if ! { .venv/bin/python -m pip install --upgrade pip \
         && .venv/bin/python -m pip install -e ".[test]"; } >.venv/install.log 2>&1; then
    tail -n 30 .venv/install.log >&2
    echo "Installing the project failed; the whole log is in .venv/install.log" >&2
    exit 2
  fi
  touch "$stamp"
fi
export PATH="$root/.venv/bin:$PATH"
