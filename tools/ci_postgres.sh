#!/usr/bin/env bash
# Install (Debian's postgresql) and start a PostgreSQL server on loopback for the review-log tests.
# Prints the URL to export as PNEUMO_TEST_POSTGRES_URL. Used by .ci/run.
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  (apt-get install -y -q postgresql || (apt-get update -q && apt-get install -y -q postgresql)) >&2
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
pg_lsclusters -h | grep -q "^$version main" || pg_createcluster "$version" main >&2
pg_ctlcluster "$version" main start >&2 || true
for _ in $(seq 30); do pg_isready -h 127.0.0.1 -q && break; sleep 1; done
su postgres -c "psql -q -c \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='pneumo') THEN CREATE ROLE pneumo LOGIN SUPERUSER PASSWORD 'pneumo'; END IF; END \\\$\\\$;\"" >&2
echo "postgresql+psycopg://pneumo:pneumo@127.0.0.1:5432/postgres"
