#!/usr/bin/env bash
# The whole test suite: lint, types, migrations check, then pytest on SQLite and, when
# DATABASE_URL points at PostgreSQL (always under CI=true), again on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-$(scripts/uv.sh)}
export UV_PYTHON_DOWNLOADS=never
"$UV" sync --frozen --quiet

if [ "${CI:-}" = "true" ]; then
  scripts/ci-services.sh
  export DATABASE_URL=${DATABASE_URL:-postgres://oversight@127.0.0.1:5432/oversight}
  export REQUIRE_BROWSER=true
else
  scripts/system-deps.sh
fi

echo "== ruff"; "$UV" run ruff check . && "$UV" run ruff format --check .
echo "== mypy"; "$UV" run mypy
echo "== migrations"; env -u DATABASE_URL "$UV" run python manage.py makemigrations --check --dry-run

echo "== pytest (SQLite)"
env -u DATABASE_URL "$UV" run pytest "$@"
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  echo "== pytest (PostgreSQL)"
  "$UV" run pytest "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "CI must also run the suite on PostgreSQL (DATABASE_URL=postgres://...)" >&2
  exit 1
fi
