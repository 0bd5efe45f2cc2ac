# The two commands a newcomer needs (see README.md):
#   make run    install what is missing, build the binary, serve the demo site on http://127.0.0.1:8080
#   make test   install what is missing (test tools too), build everything, run every test
BUILD ?= build
DATA ?= ./data
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

.PHONY: run test build deps test-deps configure configure-tests bench clean configure-sanitize sanitize fuzz-http

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

# issue 18, fuzzed front door and sanitizer run (docs/testing.md): one clang
# build with ASan+UBSan and libFuzzer coverage in $(SANITIZE_BUILD) serves
# both. `make sanitize` runs the whole suite in it; `make fuzz-http` fuzzes
# the front door for FUZZ_SECONDS and merges what it found into a copy of
# the corpus ($(SANITIZE_BUILD)/http-corpus).
SANITIZE_BUILD ?= $(BUILD)/sanitize
FUZZ_SECONDS ?= 600
configure-sanitize:
	@if [ ! -f $(SANITIZE_BUILD)/.configured ]; then \
	  mkdir -p $(SANITIZE_BUILD) && CC=clang CXX=clang++ cmake -S . -B $(SANITIZE_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DBUILD_TESTING=ON -DND_SANITIZE=address,undefined -DND_FUZZ=ON && touch $(SANITIZE_BUILD)/.configured; \
	fi

sanitize: test-deps
	@$(MAKE) --no-print-directory configure-sanitize
	nice -n 10 cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	cd $(SANITIZE_BUILD) && ASAN_OPTIONS=$(SANITIZE_ASAN_OPTIONS) UBSAN_OPTIONS=$(SANITIZE_UBSAN_OPTIONS) \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/fuzz/lsan.supp nice -n 10 ctest --output-on-failure -j $(JOBS) --timeout 600

SANITIZE_ASAN_OPTIONS = detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1
SANITIZE_UBSAN_OPTIONS = print_stacktrace=1:halt_on_error=1

fuzz-http: test-deps
	@$(MAKE) --no-print-directory configure-sanitize
	nice -n 10 cmake --build $(SANITIZE_BUILD) -j $(JOBS) --target http_fuzz
	mkdir -p $(SANITIZE_BUILD)/http-corpus && cp -rn fuzz/corpus/http/. $(SANITIZE_BUILD)/http-corpus/
	cd $(SANITIZE_BUILD) && nice -n 10 ./http_fuzz http-corpus -dict=$(CURDIR)/fuzz/http.dict -max_len=16384 -timeout=20 \
	  -rss_limit_mb=3072 -detect_leaks=0 -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=http-

clean:
	rm -rf $(BUILD)
