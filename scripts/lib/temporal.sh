# shellcheck shell=bash
# Temporal dev server helpers shared by scripts/test and scripts/stack.
# Requires ensure_tools (tools.sh) to have exported TEMPORAL_CLI.
# Sourced, never executed.

[[ -n "${_MQ_TEMPORAL_SH:-}" ]] && return 0
_MQ_TEMPORAL_SH=1
_mq_here="$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=common.sh
source "$_mq_here/common.sh"
# shellcheck source=proc.sh
source "$_mq_here/proc.sh"
# shellcheck source=services.sh
source "$_mq_here/services.sh"
unset _mq_here

# The custom search attributes the workflows use (NAME=TYPE), one place only.
MQ_SEARCH_ATTRIBUTES=(
  ShowtimeId=Keyword
  UserId=Keyword
  CheckoutStatus=Keyword
  SeatCount=Int
)

# temporal_healthy ADDRESS - the frontend answers the cluster health check.
temporal_healthy() {
  "$TEMPORAL_CLI" operator cluster health --address "$1" --command-timeout 3s 2>/dev/null | grep -q SERVING
}

# temporal_namespace_ready ADDRESS NAMESPACE - namespace exists and serves
# requests (listing search attributes needs both).
temporal_namespace_ready() {
  "$TEMPORAL_CLI" operator search-attribute list --address "$1" --namespace "$2" \
    --command-timeout 3s -o json >/dev/null 2>&1
}

# SQLite settings of a file-backed dev server. WAL lets readers run beside the
# one writer, and synchronous=normal syncs the WAL at checkpoints instead of at
# every commit: a killed server loses nothing (the WAL is in the file system),
# a power cut may lose the last commits but never corrupts the file. Together
# they double the dev server's workflow throughput (docs/benchmarks.md).
MQ_TEMPORAL_SQLITE_PRAGMAS=(
  journal_mode=wal
  synchronous=normal
)

# temporal_start_dev PIDFILE LOGFILE HOST PORT UI_PORT|headless NAMESPACE [DB_FILE]
# Starts `temporal server start-dev` detached (proc_spawn), in memory unless
# DB_FILE is given (then with MQ_TEMPORAL_SQLITE_PRAGMAS), with the search
# attributes registered; waits until healthy and NAMESPACE is usable. Sets
# PROC_PID. On failure prints the log tail, stops the process and returns 1.
temporal_start_dev() {
  local pidfile="$1" logfile="$2" host="$3" port="$4" ui="$5" namespace="$6" dbfile="${7:-}"
  local address="$host:$port" args sa pragma
  args=(server start-dev --ip "$host" --port "$port" --log-level warn)
  if [[ "$ui" == headless ]]; then
    args+=(--headless)
  else
    args+=(--ui-port "$ui" --ui-disable-news-fetch)
  fi
  for sa in "${MQ_SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$sa"); done
  [[ "$namespace" == default ]] || args+=(--namespace "$namespace")
  if [[ -n "$dbfile" ]]; then
    args+=(--db-filename "$dbfile")
    for pragma in "${MQ_TEMPORAL_SQLITE_PRAGMAS[@]}"; do args+=(--sqlite-pragma "$pragma"); done
  fi
  mq_log "starting Temporal dev server on $address ($([[ "$ui" == headless ]] && echo headless || echo "UI :$ui"), $([[ -n "$dbfile" ]] && echo "SQLite $dbfile, WAL" || echo in-memory))"
  proc_spawn "$pidfile" "$logfile" "$TEMPORAL_CLI" "${args[@]}" || return 1
  local pid="$PROC_PID"
  if wait_for -p "$pid" 60 "Temporal at $address" temporal_healthy "$address" &&
    wait_for -p "$pid" 30 "Temporal namespace $namespace" temporal_namespace_ready "$address" "$namespace"; then
    PROC_PID="$pid"
    return 0
  fi
  mq_tail "$logfile"
  proc_stop 5 "$pid" || true
  rm -f "$pidfile"
  return 1
}

# temporal_register_search_attributes ADDRESS NAMESPACE - for a server this
# project did not start: create the search attributes, ignoring "already exists".
temporal_register_search_attributes() {
  local address="$1" namespace="$2" sa out
  for sa in "${MQ_SEARCH_ATTRIBUTES[@]}"; do
    if ! out="$("$TEMPORAL_CLI" operator search-attribute create --address "$address" --namespace "$namespace" \
      --name "${sa%%=*}" --type "${sa#*=}" --command-timeout 10s 2>&1)"; then
      if [[ "$out" != *"already exists"* && "$out" != *"AlreadyExists"* ]]; then
        mq_warn "could not register search attribute ${sa%%=*} on $address/$namespace: $out"
        return 1
      fi
    fi
  done
  mq_log "search attributes registered on $address (namespace $namespace)"
}
