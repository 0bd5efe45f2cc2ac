# The two commands a newcomer needs (see README.md):
#   make run    install what is missing, build, serve the demo site on http://127.0.0.1:8080
#   make test   install what is missing (test tools too), build, run every test
BUILD ?= build
DATA ?= ./data
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

.PHONY: run test build deps test-deps bench clean

deps:
	@scripts/install-deps

test-deps:
	@scripts/install-deps --test

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/newsdesk import demo --data $(DATA)
	$(BUILD)/newsdesk serve --data $(DATA) --listen $(LISTEN)

test: test-deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: test-deps build
	cmake --build $(BUILD) -j $(JOBS) --target mentions_bench extract_score search_bench comments_gen translate_bench
	bash bench/serve.sh --db postgresql
	bash bench/jobs.sh
	bash bench/extract
	bash bench/mentions
	bash bench/search
	bash bench/comments/run.sh
	bash bench/digest
	bash bench/translate/run.sh

clean:
	rm -rf $(BUILD)
