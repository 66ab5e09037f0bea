# incident-extract: `make run` and `make test` set everything up on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared
MODEL_DIR := models/incident_fr

.PHONY: install run test eval eval-holdout eval-cv train-victims lint model bench bench-quick bench-watch clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(MODEL_DIR)/config.cfg: $(STAMP) $(wildcard src/incident_extract/nlp/*.cfg src/incident_extract/rules/*.yaml)
	$(BIN)/incident-extract build-model $(MODEL_DIR)

model: $(MODEL_DIR)/config.cfg

run: $(STAMP)
	$(BIN)/incident-extract run samples -o out/samples.jsonl

CHROMIUM ?= /usr/bin/chromium

test: $(STAMP)
	@test -x $(CHROMIUM) || echo "NOTE: $(CHROMIUM) is absent: the browser tests of the review will be SKIPPED (apt-get install chromium)"
	$(BIN)/python -m pytest

eval: $(STAMP)
	$(BIN)/incident-extract run $(SHARED)/corpus/dev/articles -o out/dev.jsonl
	$(BIN)/python $(SHARED)/eval/score.py --gold $(SHARED)/corpus/dev/gold --pred out/dev.jsonl

# articles written by helpers who never saw the rules (eval/holdout*/README.md): generalisation
eval-holdout: $(STAMP)
	@for set in eval/holdout*/; do \
		name=$$(basename $$set); \
		$(BIN)/incident-extract run $$set/articles -o out/$$name.jsonl --no-progress >/dev/null && \
		echo "== $$name" && $(BIN)/python $(SHARED)/eval/score.py --gold $$set/gold --pred out/$$name.jsonl | tail -15; \
	done

# k-fold by article: the learned victim scorer against the hand score it would replace (train/victim_scorer.py)
eval-cv: $(STAMP)
	$(BIN)/python train/victim_scorer.py --cv 5

# writes src/incident_extract/nlp/victim_scorer.json; salience reads it when present (not shipped: see README)
train-victims: $(STAMP)
	$(BIN)/python train/victim_scorer.py --cv 5 --write

lint: $(STAMP)
	$(BIN)/ruff check src tests bench train
	$(BIN)/ruff format --check src tests bench train

bench: $(STAMP)
	$(BIN)/python bench/bench.py --sizes 100 1000

bench-quick: $(STAMP)
	$(BIN)/python bench/bench.py --quick

# the HTML review of a 5,000-article store: time to open it in chromium (target < 3 s)
.PHONY: bench-review
bench-review: $(STAMP)
	$(BIN)/python bench/review_open.py --articles 5000

# the nightly watch over real articles served as local news sites (README, "The nightly watch")
bench-watch: $(STAMP)
	$(BIN)/python bench/watch.py --save

clean:
	rm -rf $(VENV) out $(MODEL_DIR)
