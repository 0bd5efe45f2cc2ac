# The two commands a newcomer needs (see README.md):
#   make run    install what is missing, build the binary, serve the demo site on http://127.0.0.1:8080
#   make test   install what is missing (test tools too), build everything, run every test
BUILD ?= build
DATA ?= ./data
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

.PHONY: run test build deps test-deps configure configure-tests bench clean

deps:
	@scripts/install-deps

test-deps:
	@scripts/install-deps --test

# Configuring leaves a stamp only when cmake succeeded, so a configure that
# failed (a package missing, since installed) is run again next time instead
# of building from what it left behind. `make run` takes any configured build
# (it builds one target); the tests need BUILD_TESTING=ON.
CMAKE_CONFIGURE = cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
configure:
	@if [ ! -f $(BUILD)/.configured-tests-OFF ] && [ ! -f $(BUILD)/.configured-tests-ON ]; then \
	  mkdir -p $(BUILD) && rm -f $(BUILD)/.configured-tests-* && \
	  $(CMAKE_CONFIGURE) -DBUILD_TESTING=OFF && touch $(BUILD)/.configured-tests-OFF; \
	fi

configure-tests:
	@if [ ! -f $(BUILD)/.configured-tests-ON ]; then \
	  mkdir -p $(BUILD) && rm -f $(BUILD)/.configured-tests-* && \
	  $(CMAKE_CONFIGURE) -DBUILD_TESTING=ON && touch $(BUILD)/.configured-tests-ON; \
	fi

# `make run` builds only what it runs: the newsdesk binary.
build: deps
	@$(MAKE) --no-print-directory configure
	cmake --build $(BUILD) -j $(JOBS) --target newsdesk

# The demo is imported once into an empty data directory (its dates moved so
# that the newest article is a few hours old, a demo editor made with a fresh
# password printed once); on a site that has articles it does nothing.
run: build
	$(BUILD)/newsdesk demo --data $(DATA)
	$(BUILD)/newsdesk serve --data $(DATA) --listen $(LISTEN)

test: test-deps
	@$(MAKE) --no-print-directory configure-tests
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# issue 18, soak: the last line runs bench/soak for 5 minutes on SQLite, then
# on PostgreSQL (the 30-minute figures are in docs/deploy.md, "Soak").
bench: test-deps
	@$(MAKE) --no-print-directory configure-tests
	cmake --build $(BUILD) -j $(JOBS) --target newsdesk mentions_bench extract_score search_bench comments_gen translate_bench
	bash bench/serve.sh --db postgresql
	bash bench/jobs.sh
	bash bench/extract
	bash bench/mentions
	bash bench/search
	bash bench/comments/run.sh
	bash bench/digest
	bash bench/translate/run.sh
	bash bench/soak --minutes 5

clean:
	rm -rf $(BUILD)
