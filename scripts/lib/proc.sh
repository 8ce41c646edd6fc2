# shellcheck shell=bash
# Process management shared by scripts/test and scripts/stack: start detached
# processes in their own session/process group, check liveness, stop whole
# process trees. Sourced, never executed.

[[ -n "${_MQ_PROC_SH:-}" ]] && return 0
_MQ_PROC_SH=1
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# proc_spawn PIDFILE LOGFILE CMD [ARGS...]
# Starts CMD detached (setsid + nohup, stdin from /dev/null, stdout+stderr to
# LOGFILE) as the leader of a new session and process group, so that the group
# can be signalled as a whole and the process survives the calling script.
# A previous non-empty LOGFILE is kept as LOGFILE.1. Writes the pid to PIDFILE
# and sets PROC_PID (call it directly, not in $(...)).
# shellcheck disable=SC2034 # PROC_PID is read by callers
proc_spawn() {
  local pidfile="$1" logfile="$2" pid="" i
  PROC_PID=""
  shift 2
  mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
  rm -f "$pidfile"
  if [[ -s "$logfile" ]]; then mv -f "$logfile" "$logfile.1"; fi
  : >"$logfile"
  # The inner shell records its own pid (== the session/group id after setsid,
  # whether or not setsid had to fork), closes inherited descriptors above 2
  # (so a caller's pipe is not held open by a daemon), then execs the real
  # command, so the recorded pid is the command itself.
  # shellcheck disable=SC2016
  setsid nohup bash -c '
    for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] 2>/dev/null && eval "exec $n>&-" 2>/dev/null; done
    echo "$$" >"$0.tmp" && mv -f "$0.tmp" "$0" && exec "$@"' \
    "$pidfile" "$@" </dev/null >>"$logfile" 2>&1 &
  for ((i = 0; i < 100; i++)); do
    if [[ -s "$pidfile" ]]; then
      pid="$(<"$pidfile")"
      break
    fi
    sleep 0.05
  done
  if [[ -z "$pid" ]]; then
    mq_warn "could not start: $* (see $logfile)"
    return 1
  fi
  PROC_PID="$pid"
}

# proc_alive PID - the process exists and is not a zombie.
proc_alive() {
  local pid="$1" stat
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ -n "$stat" && "${stat:0:1}" != Z && "${stat:0:1}" != X ]]
}

# proc_cmdline PID - the process's command line, space separated.
proc_cmdline() {
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true
}

# proc_matches PID PATTERN - alive, leads its own process group (as started by
# proc_spawn) and its command line contains PATTERN. Guards against pid reuse.
proc_matches() {
  local pid="$1" pattern="$2" pgid
  proc_alive "$pid" || return 1
  pgid="$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')"
  [[ "$pgid" == "$pid" ]] || return 1
  [[ "$(proc_cmdline "$pid")" == *"$pattern"* ]]
}

# proc_pidfile_pid PIDFILE PATTERN - prints the pid if PIDFILE names a live
# process matching PATTERN; otherwise fails (and removes a stale PIDFILE).
proc_pidfile_pid() {
  local pidfile="$1" pattern="$2" pid
  [[ -s "$pidfile" ]] || return 1
  pid="$(<"$pidfile")"
  if proc_matches "$pid" "$pattern"; then
    printf '%s\n' "$pid"
    return 0
  fi
  rm -f "$pidfile"
  return 1
}

# proc_env_var PID NAME - value of NAME in the process's initial environment.
proc_env_var() {
  tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null | sed -n "s/^$2=//p" | head -n 1
}

# proc_tree_pids PID... - the given pids, every live member of their process
# groups, and all their descendants (recursively), excluding zombies.
proc_tree_pids() {
  local table
  table="$(ps -e -o pid=,ppid=,pgid=,stat= 2>/dev/null)" || return 0
  awk -v roots="$*" '
    BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) { want[r[i]] = 1; grp[r[i]] = 1 } }
    { pid[NR] = $1; ppid[NR] = $2; pgid[NR] = $3; st[NR] = $4 }
    END {
      for (i = 1; i <= NR; i++) if (pgid[i] in grp) want[pid[i]] = 1
      do {
        changed = 0
        for (i = 1; i <= NR; i++) if ((ppid[i] in want) && !(pid[i] in want)) { want[pid[i]] = 1; changed = 1 }
      } while (changed)
      for (i = 1; i <= NR; i++) if ((pid[i] in want) && st[i] !~ /^Z/) print pid[i]
    }' <<<"$table"
}

# _proc_outside_groups "PGID..." PID... - the PIDs whose process group is none of PGIDs.
_proc_outside_groups() {
  local groups="$1"
  shift
  (($#)) || return 0
  ps -o pid=,pgid= -p "$(
    IFS=,
    echo "$*"
  )" 2>/dev/null | awk -v groups="$groups" '
    BEGIN { n = split(groups, g, " "); for (i = 1; i <= n; i++) in_group[g[i]] = 1 }
    !($2 in in_group) { print $1 }'
}

# proc_stop TIMEOUT_SECONDS PID... - SIGTERM each process group, its members and
# descendants; wait up to TIMEOUT for all of them to exit; SIGKILL what is left.
# Returns non-zero if something survived SIGKILL.
proc_stop() {
  local timeout="$1" pid deadline left=()
  shift
  local roots=()
  for pid in "$@"; do [[ "$pid" =~ ^[0-9]+$ ]] && roots+=("$pid"); done
  ((${#roots[@]})) || return 0
  mapfile -t left < <(proc_tree_pids "${roots[@]}")
  ((${#left[@]})) || return 0
  # One SIGTERM per process: to the groups, then to descendants that left them
  # (a second SIGTERM often means "exit now" to a draining server).
  for pid in "${roots[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  local outside=()
  mapfile -t outside < <(_proc_outside_groups "${roots[*]}" "${left[@]}")
  if ((${#outside[@]})); then kill -TERM "${outside[@]}" 2>/dev/null || true; fi
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    mapfile -t left < <(proc_tree_pids "${left[@]}")
    ((${#left[@]})) || break
    sleep 0.2
  done
  mapfile -t left < <(proc_tree_pids "${left[@]}")
  if ((${#left[@]})); then
    mq_warn "still running after ${timeout}s, sending SIGKILL: ${left[*]}"
    for pid in "${roots[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    kill -KILL "${left[@]}" 2>/dev/null || true
    sleep 0.3
    mapfile -t left < <(proc_tree_pids "${left[@]}")
  fi
  # Reap our own children (scripts/test starts them as background jobs).
  for pid in "${roots[@]}"; do wait "$pid" 2>/dev/null || true; done
  if ((${#left[@]})); then
    mq_warn "processes survived SIGKILL: ${left[*]}"
    return 1
  fi
  return 0
}
