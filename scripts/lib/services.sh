# shellcheck shell=bash
# Machine services shared by scripts/test and scripts/stack: MariaDB, Redis,
# Chromium, plus the free_port / wait_for / http helpers. Sourced, never executed.

[[ -n "${_MQ_SERVICES_SH:-}" ]] && return 0
_MQ_SERVICES_SH=1
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CHROMIUM_PATH_DEFAULT=/usr/bin/chromium

# ---------------------------------------------------------------- helpers

# free_port - print a TCP port that is free on 127.0.0.1 right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# port_open HOST PORT - something accepts TCP connections there.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# http_ok URL - GET answers 200.
http_ok() {
  if command -v curl >/dev/null; then
    [[ "$(curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null)" == 200 ]]
  else
    python3 -c 'import sys, urllib.request as u; sys.exit(0 if u.urlopen(sys.argv[1], timeout=3).status == 200 else 1)' "$1" 2>/dev/null
  fi
}

# http_body URL - prints the body of a successful GET.
http_body() {
  if command -v curl >/dev/null; then
    curl -fsS -m 3 "$1" 2>/dev/null
  else
    python3 -c 'import sys, urllib.request as u; sys.stdout.write(u.urlopen(sys.argv[1], timeout=3).read().decode())' "$1" 2>/dev/null
  fi
}

# wait_for [-p PID] TIMEOUT_SECONDS DESCRIPTION CMD [ARGS...]
# Re-runs CMD (quietly) every 0.25s until it succeeds. Returns 0 when it does,
# 1 on timeout, 2 as soon as PID (if given) is no longer alive.
wait_for() {
  local watch_pid=""
  if [[ "$1" == -p ]]; then
    watch_pid="$2"
    shift 2
  fi
  local timeout="$1" desc="$2" deadline
  shift 2
  deadline=$((SECONDS + timeout))
  while :; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if [[ -n "$watch_pid" ]] && ! proc_alive "$watch_pid"; then
      mq_warn "$desc: process $watch_pid exited before becoming ready"
      return 2
    fi
    if ((SECONDS >= deadline)); then
      mq_warn "$desc: not ready after ${timeout}s"
      return 1
    fi
    sleep 0.25
  done
}

# proc_alive is defined in proc.sh; keep a minimal fallback so this file can be
# sourced on its own.
if ! declare -F proc_alive >/dev/null; then
  proc_alive() { [[ "$1" =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null; }
fi

_MQ_APT_UPDATED=""
# apt_install PACKAGE... - apt-get update (once per script run) + install.
apt_install() {
  command -v apt-get >/dev/null || mq_die "apt-get not available; install manually: $*"
  local sudo=()
  ((EUID == 0)) || sudo=(sudo -n)
  if [[ -z "$_MQ_APT_UPDATED" ]]; then
    mq_log "apt-get update"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 ||
      mq_die "apt-get update failed"
    _MQ_APT_UPDATED=1
  fi
  mq_log "apt-get install $*"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 ||
    mq_die "apt-get install $* failed"
}

_mq_as_root() {
  if ((EUID == 0)); then "$@"; else sudo -n "$@"; fi
}

# ---------------------------------------------------------------- MariaDB

# mariadb_cli URL [mariadb args...] - run the mariadb client against the server
# of a mysql:// URL (the database part of the URL is ignored).
mariadb_cli() {
  local url="$1"
  shift
  mq_parse_url "$url" 3306 || mq_die "cannot parse MySQL URL: $url"
  local args=(--protocol=TCP -h "$URL_HOST" -P "$URL_PORT" -u "${URL_USER:-root}")
  if [[ -n "$URL_PASS" ]]; then
    MYSQL_PWD="$URL_PASS" mariadb "${args[@]}" "$@"
  else
    mariadb "${args[@]}" "$@"
  fi
}

_mariadb_answers() { mariadb_cli "$1" --connect-timeout=2 -N -e 'select 1' >/dev/null 2>&1; }

# ensure_mariadb [MYSQL_URL] - make sure the server answers; start (and if
# needed apt-install) a local one. Default URL: mysql://root@127.0.0.1:3306
ensure_mariadb() {
  local url="${1:-mysql://root@127.0.0.1:3306}"
  command -v mariadb >/dev/null || apt_install mariadb-server mariadb-client
  if _mariadb_answers "$url"; then return 0; fi
  mq_parse_url "$url" 3306 || mq_die "cannot parse MySQL URL: $url"
  mq_is_local_host "$URL_HOST" || mq_die "MariaDB at $URL_HOST:$URL_PORT does not answer (not local, not starting it)"
  [[ -x /usr/sbin/mariadbd ]] || apt_install mariadb-server mariadb-client
  if ! port_open 127.0.0.1 "$URL_PORT"; then
    [[ "$URL_PORT" == 3306 ]] || mq_die "MariaDB on port $URL_PORT does not answer; only the default 3306 is started automatically"
    mq_log "starting MariaDB"
    _mq_as_root install -d -o mysql -g mysql /run/mysqld 2>/dev/null || _mq_as_root mkdir -p /run/mysqld
    _mq_as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  fi
  if ! wait_for 60 "MariaDB" bash -c 'mariadb --connect-timeout=2 -uroot -h127.0.0.1 -e "select 1" || mariadb -uroot -e "select 1"'; then
    mq_die "MariaDB did not come up on 127.0.0.1:$URL_PORT"
  fi
  if ! _mariadb_answers "$url" && [[ "${URL_USER:-root}" == root && -z "$URL_PASS" ]]; then
    # A fresh Debian install authenticates root@localhost by unix socket only;
    # allow password-less root over TCP from 127.0.0.1 as this project expects.
    mq_log "allowing password-less root@127.0.0.1 over TCP"
    _mq_as_root mariadb -uroot -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION; FLUSH PRIVILEGES;" >&2 || true
  fi
  _mariadb_answers "$url" || mq_die "MariaDB is running but does not accept $url"
}

# ---------------------------------------------------------------- Redis

_MQ_REDIS_PASS=""
_redis_answers() {
  local out
  if [[ -n "$_MQ_REDIS_PASS" ]]; then
    out="$(REDISCLI_AUTH="$_MQ_REDIS_PASS" redis-cli -h "$1" -p "$2" ping 2>/dev/null)"
  else
    out="$(redis-cli -h "$1" -p "$2" ping 2>/dev/null)"
  fi
  [[ "$out" == PONG ]]
}

# ensure_redis [REDIS_URL] - make sure Redis answers PING; start (and if needed
# apt-install) a local one. Default URL: redis://127.0.0.1:6379
ensure_redis() {
  local url="${1:-redis://127.0.0.1:6379}"
  mq_parse_url "$url" 6379 || mq_die "cannot parse Redis URL: $url"
  local host="$URL_HOST" port="$URL_PORT"
  command -v redis-cli >/dev/null || apt_install redis-server
  _MQ_REDIS_PASS="$URL_PASS"
  if _redis_answers "$host" "$port"; then return 0; fi
  mq_is_local_host "$host" || mq_die "Redis at $host:$port does not answer (not local, not starting it)"
  command -v redis-server >/dev/null || apt_install redis-server
  mq_log "starting Redis on 127.0.0.1:$port"
  _mq_as_root mkdir -p /var/lib/redis /var/log/redis
  _mq_as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$port" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log >&2 || mq_die "redis-server failed to start"
  wait_for 30 "Redis" _redis_answers 127.0.0.1 "$port" || mq_die "Redis did not come up on 127.0.0.1:$port"
}

# ---------------------------------------------------------------- Chromium

# ensure_chromium - Debian's chromium at /usr/bin/chromium (for browser tests).
ensure_chromium() {
  if [[ ! -x "$CHROMIUM_PATH_DEFAULT" ]]; then
    apt_install chromium
  fi
  [[ -x "$CHROMIUM_PATH_DEFAULT" ]] || mq_die "chromium not found at $CHROMIUM_PATH_DEFAULT after install"
}
