#!/bin/sh
# One-shot job (temporalio/admin-tools image): waits until the Temporal
# frontend serves, creates the namespace Marquee uses if it is missing, and
# registers the custom search attributes the checkout workflows upsert.
# Idempotent: safe on every `docker compose up`.
#
# Environment: TEMPORAL_ADDRESS (host:port), TEMPORAL_NAMESPACE,
# NAMESPACE_RETENTION (e.g. 7d), SEARCH_ATTRIBUTES ("Name=Type ..." —
# a unit test keeps it equal to workflows/contracts.ts).
set -eu

: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}" "${SEARCH_ATTRIBUTES:?}"
retention="${NAMESPACE_RETENTION:-7d}"
host="${TEMPORAL_ADDRESS%:*}"
port="${TEMPORAL_ADDRESS##*:}"

# Dial the frontend by IPv4 address: the CLI may otherwise try an address
# family the Compose network does not route.
ip="$(getent ahosts "$host" 2>/dev/null | awk '/STREAM/ && $1 ~ /^[0-9.]+$/ { print $1; exit }')"
address="${ip:-$host}:$port"
ns="$TEMPORAL_NAMESPACE"

retry() { # SECONDS DESCRIPTION COMMAND... - run COMMAND every 2 s until it succeeds
  limit="$1" what="$2"
  shift 2
  waited=0
  until "$@" >/dev/null 2>&1; do
    waited=$((waited + 2))
    if [ "$waited" -ge "$limit" ]; then
      echo "temporal setup: $what not ready after ${limit} s; last attempt:" >&2
      "$@" >&2 || true
      exit 1
    fi
    sleep 2
  done
}

serving() { temporal operator cluster health --address "$address" | grep -q SERVING; }
retry 180 "Temporal frontend at $address" serving
echo "temporal setup: $address is serving"

if temporal operator namespace describe --address "$address" --namespace "$ns" >/dev/null 2>&1; then
  echo "temporal setup: namespace $ns exists"
else
  temporal operator namespace create --address "$address" --namespace "$ns" --retention "$retention"
  echo "temporal setup: namespace $ns created (retention $retention)"
fi
# A new namespace reaches every frontend's cache within a few seconds.
retry 60 "namespace $ns" temporal operator search-attribute list --address "$address" --namespace "$ns"

for sa in $SEARCH_ATTRIBUTES; do
  name="${sa%%=*}"
  type="${sa#*=}"
  if temporal operator search-attribute list --address "$address" --namespace "$ns" | grep -qw "$name"; then
    echo "temporal setup: search attribute $name exists"
    continue
  fi
  if ! out="$(temporal operator search-attribute create --address "$address" --namespace "$ns" \
    --name "$name" --type "$type" 2>&1)"; then
    case "$out" in
      *"already exists"* | *AlreadyExists*) ;;
      *)
        echo "temporal setup: could not create search attribute $name ($type): $out" >&2
        exit 1
        ;;
    esac
  fi
  echo "temporal setup: search attribute $name ($type) registered"
done

listing="$(temporal operator search-attribute list --address "$address" --namespace "$ns")"
for sa in $SEARCH_ATTRIBUTES; do
  if ! printf '%s\n' "$listing" | grep -qw "${sa%%=*}"; then
    echo "temporal setup: search attribute ${sa%%=*} is missing after registration" >&2
    exit 1
  fi
done
echo "temporal setup: namespace $ns ready with search attributes: $SEARCH_ATTRIBUTES"
