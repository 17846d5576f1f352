# The README's two commands: `make app` and `make test`. Both create .venv and install what
# they need. CI runs `make test` through .ci/run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: app test check lint format bench bench-app fuzz reference clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -c 'import flywheel.engine.step as s; s.compile_kernel()'
	touch $(STAMP)

app: $(STAMP)
	$(BIN)/streamlit run app.py --server.port=$(PORT) --browser.gatherUsageStats=false

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

check: $(STAMP) lint
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -m "not browser and not slow" -x

lint: $(STAMP)
	$(BIN)/ruff format --check flywheel tests app.py bench
	$(BIN)/ruff check flywheel tests app.py bench

format: $(STAMP)
	$(BIN)/ruff format flywheel tests app.py bench
	$(BIN)/ruff check --fix flywheel tests app.py bench

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/app_speed.py 200 20
	$(BIN)/python bench/why_speed.py baseline 20
	$(BIN)/python bench/decide_targets.py
	$(BIN)/python bench/step_profile.py

# The app's speed as a person sees it, in headless Chromium (bench/app_browser.py; needs
# /usr/bin/chromium). `make bench-app ARGS="--out results.md --url http://localhost:8501"`.
bench-app: $(STAMP)
	$(BIN)/python bench/app_browser.py $(ARGS)

# Regenerate the stored reference outputs (tests/reference): only for a deliberate change of the
# model's numbers; the commit says why they moved.
reference: $(STAMP)
	$(BIN)/python tests/reference/make_reference.py

fuzz: $(STAMP)
	FLYWHEEL_FUZZ_EXAMPLES=10000 $(BIN)/python -m pytest -q tests/reliability -p no:randomly

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
