# cdc-runner: the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
MVN ?= mvn -B -q
JAR := cdc-runner/target/cdc-runner.jar

.PHONY: demo test build dist mariadb clean config-docs

## demo: build, start a throwaway MariaDB, run the daemon with a demo writer, print the result
demo: mariadb build
	java -jar $(JAR) demo --config config/demo.properties $(DEMO_ARGS)

## test: the whole test suite against real (throwaway) MariaDB servers; `verify` also packages the distribution
## and runs the *IT tests (failsafe) against it: bin/cdc-runner run, status, the Prometheus scrape
test: mariadb
	$(MVN) verify

build:
	$(MVN) -DskipTests package

## dist: the distribution dist/cdc-runner-VERSION/ (bin/cdc-runner, lib/, agent/, config/) and its .tar.gz
dist:
	rm -rf dist
	$(MVN) -DskipTests package
	@ls -d dist/cdc-runner-*/ dist/cdc-runner-*.tar.gz

## mariadb: make sure the MariaDB server programs exist (installs them with apt-get when run as root)
mariadb:
	@if command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing mariadb-server (needed for the local throwaway database)..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null; \
	else \
	  echo "mariadbd not found. Install the MariaDB server: sudo apt-get install mariadb-server" >&2; \
	  exit 1; \
	fi

## config-docs: regenerate config/cdc-runner.properties and the README's configuration table from the key declarations
config-docs:
	$(MVN) -o -pl cdc-runner -am -DskipTests compile
	java -cp cdc-runner/target/classes:processor/target/classes io.cdcrunner.config.ConfigDocs sample config/cdc-runner.properties
	java -cp cdc-runner/target/classes:processor/target/classes io.cdcrunner.config.ConfigDocs readme README.md

clean:
	$(MVN) clean
	rm -rf dist
