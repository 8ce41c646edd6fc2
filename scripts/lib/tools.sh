# shellcheck shell=bash
# Project dependencies: node_modules (npm ci) and the project-local Python tools
# (Temporal CLI, localstripe, schemathesis) in the git-ignored .tools/venv.
# Pins live in scripts/tools-requirements.txt; the venv is rebuilt only when
# that file (or the python3 version) changes. Sourced, never executed.

[[ -n "${_MQ_TOOLS_SH:-}" ]] && return 0
_MQ_TOOLS_SH=1
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

MQ_TOOLS_DIR="$MQ_ROOT/.tools"
MQ_TOOLS_VENV="$MQ_TOOLS_DIR/venv"
MQ_TOOLS_REQUIREMENTS="$MQ_ROOT/scripts/tools-requirements.txt"
MQ_TOOLS_STAMP="$MQ_TOOLS_VENV/.requirements.sha256"

_tools_hash() {
  {
    cat "$MQ_TOOLS_REQUIREMENTS"
    python3 -c 'import sys; print(sys.version)'
  } | sha256sum | cut -d' ' -f1
}

_tools_complete() {
  local bin
  for bin in python temporal temporal-test-server localstripe schemathesis; do
    [[ -x "$MQ_TOOLS_VENV/bin/$bin" ]] || return 1
  done
}

# ensure_tools - install/refresh the venv if needed; export TEMPORAL_CLI, TEMPORAL_TEST_SERVER,
# LOCALSTRIPE_BIN, SCHEMATHESIS_BIN.
ensure_tools() {
  [[ -f "$MQ_TOOLS_REQUIREMENTS" ]] || mq_die "missing $MQ_TOOLS_REQUIREMENTS"
  command -v python3 >/dev/null || mq_die "python3 is required"
  mkdir -p "$MQ_TOOLS_DIR"
  local want
  want="$(_tools_hash)"
  if ! _tools_complete || [[ "$(cat "$MQ_TOOLS_STAMP" 2>/dev/null)" != "$want" ]]; then
    # Serialise concurrent runs (two scripts/test at once, or test + stack).
    exec {_mq_tools_lock}>"$MQ_TOOLS_DIR/.lock"
    flock "$_mq_tools_lock"
    if ! _tools_complete || [[ "$(cat "$MQ_TOOLS_STAMP" 2>/dev/null)" != "$want" ]]; then
      _tools_install "$want"
    fi
    flock -u "$_mq_tools_lock"
    exec {_mq_tools_lock}>&-
  fi
  export TEMPORAL_CLI="$MQ_TOOLS_VENV/bin/temporal"
  export TEMPORAL_TEST_SERVER="$MQ_TOOLS_VENV/bin/temporal-test-server"
  export LOCALSTRIPE_BIN="$MQ_TOOLS_VENV/bin/localstripe"
  export SCHEMATHESIS_BIN="$MQ_TOOLS_VENV/bin/schemathesis"
}

_tools_install() {
  local want="$1" log="$MQ_TOOLS_DIR/install.log" started=$SECONDS
  mq_log "installing tools into .tools/venv from scripts/tools-requirements.txt (log: .tools/install.log)"
  rm -rf "$MQ_TOOLS_VENV"
  if ! {
    python3 -m venv "$MQ_TOOLS_VENV" &&
      "$MQ_TOOLS_VENV/bin/python" -m pip install --disable-pip-version-check --no-input \
        -r "$MQ_TOOLS_REQUIREMENTS"
  } >"$log" 2>&1; then
    mq_tail "$log" 30
    rm -rf "$MQ_TOOLS_VENV"
    mq_die "tool installation failed"
  fi
  _tools_complete || {
    mq_tail "$log" 30
    mq_die "tool installation finished but an executable is missing in .tools/venv/bin"
  }
  printf '%s\n' "$want" >"$MQ_TOOLS_STAMP"
  mq_log "tools installed in $((SECONDS - started))s"
}

# _npm_busy_here - some npm process is working in this repository right now
# (e.g. a developer's `npm ci`, which removes node_modules/.package-lock.json
# first: a second `npm ci` racing it would leave node_modules empty).
_npm_busy_here() {
  local pid
  for pid in $(pgrep -x npm 2>/dev/null; pgrep -f '^npm (ci|install|i|update|uninstall|rebuild)( |$)' 2>/dev/null); do
    [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$MQ_ROOT" ]] && return 0
  done
  return 1
}

_node_modules_stale() {
  [[ ! -d "$MQ_ROOT/node_modules" || ! -f "$MQ_ROOT/node_modules/.package-lock.json" ||
    "$MQ_ROOT/package-lock.json" -nt "$MQ_ROOT/node_modules/.package-lock.json" ]]
}

# ensure_node_modules - `npm ci` when node_modules is missing or older than
# package-lock.json. Waits for an npm already running in the repo, and
# serialises concurrent runs of these scripts.
ensure_node_modules() {
  command -v node >/dev/null || mq_die "node is required (Node.js >= 20.19)"
  command -v npm >/dev/null || mq_die "npm is required"
  _node_modules_stale || return 0
  mkdir -p "$MQ_TOOLS_DIR"
  exec {_mq_npm_lock}>"$MQ_TOOLS_DIR/.npm.lock"
  flock "$_mq_npm_lock"
  local waited=0
  while _npm_busy_here && ((waited < 600)); do
    ((waited == 0)) && mq_log "another npm is running in this repository; waiting for it"
    sleep 2
    waited=$((waited + 2))
  done
  if _node_modules_stale; then
    mq_log "npm ci"
    (cd "$MQ_ROOT" && npm ci --no-audit --no-fund) >&2 || mq_die "npm ci failed"
  fi
  flock -u "$_mq_npm_lock"
  exec {_mq_npm_lock}>&-
}
