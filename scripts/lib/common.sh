# shellcheck shell=bash
# Shared basics for scripts/test and scripts/stack: repo root, logging, URL parsing.
# Sourced, never executed. Every other scripts/lib/*.sh sources this first.

[[ -n "${_MQ_COMMON_SH:-}" ]] && return 0
_MQ_COMMON_SH=1

# Repository root, derived from this file's location (scripts/lib/common.sh).
# shellcheck disable=SC2034 # used by the scripts that source this file
MQ_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
: "${MQ_LOG_TAG:=marquee}"

mq_log() { printf '[%s] %s\n' "$MQ_LOG_TAG" "$*" >&2; }
mq_warn() { printf '[%s] WARNING: %s\n' "$MQ_LOG_TAG" "$*" >&2; }
mq_die() {
  printf '[%s] ERROR: %s\n' "$MQ_LOG_TAG" "$*" >&2
  exit 1
}

# mq_tail FILE [LINES] - print the tail of a log file, framed, to stderr.
mq_tail() {
  local file="$1" lines="${2:-40}"
  if [[ -s "$file" ]]; then
    printf -- '----- last %s lines of %s -----\n' "$lines" "$file" >&2
    tail -n "$lines" -- "$file" >&2 || true
    printf -- '----- end of %s -----\n' "$file" >&2
  else
    printf -- '----- %s is empty or missing -----\n' "$file" >&2
  fi
}

# mq_is_local_host HOST - true for addresses of this machine's loopback.
mq_is_local_host() {
  case "$1" in
    127.* | localhost | ::1 | '[::1]') return 0 ;;
    *) return 1 ;;
  esac
}

# mq_urldecode STRING - decode %XX escapes (user/password parts of URLs).
mq_urldecode() {
  local s="${1//\\/\\\\}"
  printf '%b' "${s//%/\\x}"
}

# mq_parse_url URL DEFAULT_PORT - split scheme://[user[:pass]@]host[:port][/path][?query].
# Sets URL_SCHEME URL_USER URL_PASS URL_HOST URL_PORT URL_PATH (path without leading '/').
# shellcheck disable=SC2034 # globals read by callers
mq_parse_url() {
  local url="$1" default_port="$2" rest auth hostport
  URL_SCHEME="" URL_USER="" URL_PASS="" URL_HOST="" URL_PORT="" URL_PATH=""
  [[ "$url" == *://* ]] || return 1
  URL_SCHEME="${url%%://*}"
  rest="${url#*://}"
  rest="${rest%%\?*}"
  hostport="${rest%%/*}"
  [[ "$rest" == */* ]] && URL_PATH="${rest#*/}"
  if [[ "$hostport" == *@* ]]; then
    auth="${hostport%@*}"
    hostport="${hostport##*@}"
    URL_USER="${auth%%:*}"
    [[ "$auth" == *:* ]] && URL_PASS="${auth#*:}"
  fi
  if [[ "$hostport" =~ ^\[([^]]+)\](:([0-9]+))?$ ]]; then
    URL_HOST="${BASH_REMATCH[1]}"
    URL_PORT="${BASH_REMATCH[3]}"
  elif [[ "$hostport" == *:* ]]; then
    URL_HOST="${hostport%:*}"
    URL_PORT="${hostport##*:}"
  else
    URL_HOST="$hostport"
  fi
  [[ -n "$URL_PORT" ]] || URL_PORT="$default_port"
  URL_USER="$(mq_urldecode "$URL_USER")"
  URL_PASS="$(mq_urldecode "$URL_PASS")"
  [[ -n "$URL_HOST" && "$URL_PORT" =~ ^[0-9]+$ ]]
}

# mq_parse_hostport HOST:PORT - sets HP_HOST HP_PORT.
mq_parse_hostport() {
  HP_HOST="${1%:*}"
  HP_PORT="${1##*:}"
  [[ "$1" == *:* && -n "$HP_HOST" && "$HP_PORT" =~ ^[0-9]+$ ]]
}
