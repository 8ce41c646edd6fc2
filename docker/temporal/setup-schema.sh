#!/bin/sh
# One-shot job (temporalio/admin-tools image): creates Temporal's two MySQL
# databases if missing and brings their schemas to the version this image
# ships. Every step is idempotent, so it runs on every `docker compose up`
# and upgrades the schema after a Temporal version bump.
#
# Environment: MYSQL_SEEDS (host), DB_PORT, MYSQL_USER, SQL_PASSWORD,
# DBNAME, VISIBILITY_DBNAME.
set -eu

: "${MYSQL_SEEDS:?}" "${MYSQL_USER:?}" "${SQL_PASSWORD:?}"
port="${DB_PORT:-3306}"
schema_root=/etc/temporal/schema/mysql/v8

sql_tool() {
  temporal-sql-tool --plugin mysql8 --ep "$MYSQL_SEEDS" -p "$port" -u "$MYSQL_USER" "$@"
}

tries=0
until nc -z "$MYSQL_SEEDS" "$port"; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "MySQL at $MYSQL_SEEDS:$port did not accept connections within 120 s" >&2
    exit 1
  fi
  sleep 2
done

setup() { # DATABASE SCHEMA_SUBDIR
  echo "temporal schema: $1 ($2)"
  sql_tool --db "$1" create
  sql_tool --db "$1" setup-schema -v 0.0
  sql_tool --db "$1" update-schema -d "$schema_root/$2/versioned"
}

setup "${DBNAME:-temporal}" temporal
setup "${VISIBILITY_DBNAME:-temporal_visibility}" visibility
echo "temporal schema: up to date"
