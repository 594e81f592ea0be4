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
  echo "Setting up .venv (first run only) ..." >&2
  "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip >&2
  .venv/bin/python -m pip install --quiet -e ".[test]" >&2
  touch "$stamp"
fi
export PATH="$root/.venv/bin:$PATH"
