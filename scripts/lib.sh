# Shared by scripts/setup, scripts/run and scripts/test: find Python 3.13, build the
# virtualenv from the pins in pyproject.toml, install the front-end packages.
# Each step is skipped when what it would produce is already up to date.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

say() { printf '\033[1;31m同心库\033[0m %s\n' "$*"; }

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)' 2>/dev/null; }

find_python() {
  local candidates=()
  [ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
  candidates+=(python3.13 python3.14)
  if command -v pyenv >/dev/null 2>&1; then
    candidates+=("$(pyenv root)"/versions/3.13*/bin/python)
  fi
  candidates+=("$HOME"/.pyenv/versions/3.13*/bin/python /usr/local/bin/python3.13 /usr/bin/python3.13 python3)
  local c
  for c in "${candidates[@]}"; do
    if command -v "$c" >/dev/null 2>&1 && python_ok "$c"; then
      command -v "$c"
      return 0
    fi
  done
  return 1
}

ensure_python_env() {
  if [ ! -x "$PY" ] || ! python_ok "$PY"; then
    local base
    if ! base="$(find_python)"; then
      say "找不到 Python 3.13（Django 6.1 需要 3.12 以上，本项目固定 3.13）。"
      say "请安装后重试，例如：pyenv install 3.13.0，或 apt-get install python3.13 python3.13-venv；"
      say "也可以用 PYTHON=/path/to/python3.13 scripts/setup 指定解释器。"
      exit 1
    fi
    say "使用 $("$base" --version) 创建虚拟环境 .venv"
    rm -rf "$VENV"
    "$base" -m venv "$VENV"
  fi
  local stamp="$VENV/.pins"
  local pins
  pins="$("$PY" - "$ROOT/pyproject.toml" <<'PYEOF'
import sys, tomllib
data = tomllib.load(open(sys.argv[1], "rb"))
project = data["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["dev"]))
PYEOF
)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$pins" ]; then
    say "安装 Python 依赖（pyproject.toml 中固定的版本）"
    # shellcheck disable=SC2086
    "$PY" -m pip install --quiet --disable-pip-version-check $pins
    printf '%s' "$pins" > "$stamp"
  fi
}

ensure_assets() {
  local stamp="$ROOT/node_modules/.installed-package.json"
  if [ ! -f "$stamp" ] || ! cmp -s "$ROOT/package.json" "$stamp"; then
    if ! command -v npm >/dev/null 2>&1; then
      say "找不到 npm：前端资源（Bootstrap、htmx、ECharts）需要 Node.js 的 npm 安装，请先安装 nodejs/npm。"
      exit 1
    fi
    say "安装前端资源（npm install，package.json 中逐个固定版本）"
    (cd "$ROOT" && npm install --no-save --no-progress --loglevel=error >/dev/null)
    cp "$ROOT/package.json" "$stamp"
  fi
}
