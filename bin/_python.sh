# Sourced by bin/serve and bin/test: find Python >= 3.12 and make the virtualenv in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }

find_python() {
  local candidates=()
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  if command -v pyenv >/dev/null 2>&1; then
    candidates+=("$(pyenv root)/versions/$(cat .python-version)/bin/python")
  fi
  candidates+=("$HOME/.pyenv/versions/$(cat .python-version)/bin/python" python3.13 python3.12 python3 python)
  for candidate in "${candidates[@]}"; do
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "newsboard needs Python 3.12 or newer; none found. Install one or set PYTHON=/path/to/python." >&2
  return 1
}

install_stamp() { echo ".venv/.installed-$(cat "$1" requirements.txt | sha256sum | cut -c1-16)"; }

ensure_venv() {
  local requirements="$1"
  if [ ! -x .venv/bin/python ] || ! python_ok .venv/bin/python; then
    rm -rf .venv
    "$(find_python)" -m venv .venv
  fi
  local stamp
  stamp="$(install_stamp "$requirements")"
  # requirements-dev.txt includes requirements.txt: a test install serves bin/serve as well.
  if [ "$requirements" = requirements.txt ] && [ -e "$(install_stamp requirements-dev.txt)" ]; then
    return 0
  fi
  if [ ! -e "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
}
