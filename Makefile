# Two commands matter: `make demo` (serve the demo at http://127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV = $(shell scripts/uv.sh)

.PHONY: demo test install serve-prod messages

install:
	$(UV) sync --frozen

demo: install
	scripts/system-deps.sh
	mkdir -p var
	$(UV) run python manage.py migrate --noinput
	$(UV) run python manage.py seed_demo --scale small
	$(UV) run python manage.py demo_accounts
	@echo "Mở http://127.0.0.1:8000 và đăng nhập bằng một tài khoản ở trên / open it and sign in with an account above."
	@# The background worker runs large imports; it stops with the server.
	$(UV) run python manage.py db_worker > var/worker.log 2>&1 & trap "kill $$! 2>/dev/null" EXIT INT TERM; \
	$(UV) run python manage.py runserver 127.0.0.1:8000

test:
	UV=$(UV) scripts/test.sh

messages:
	$(UV) run python manage.py makemessages -l en --ignore=.venv --ignore=.tools
	$(UV) run python manage.py compilemessages --ignore=.venv --ignore=.tools
