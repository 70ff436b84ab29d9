#!/usr/bin/env bash
# What CI needs beyond Python packages: Debian's Chromium, fonts and PDF libraries
# (system-deps.sh), and a running PostgreSQL with the project's role and database.
# Safe to run repeatedly.
set -euo pipefail
WITH_BROWSER=true "$(dirname "$0")/system-deps.sh"
if ! command -v psql >/dev/null 2>&1; then
  echo "== apt-get install postgresql"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "== starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
psql_admin() { psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qtAc "$1"; }
[ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='oversight'")" = 1 ] || \
  psql_admin "CREATE ROLE oversight LOGIN CREATEDB"
[ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='oversight'")" = 1 ] || \
  psql_admin "CREATE DATABASE oversight OWNER oversight"
