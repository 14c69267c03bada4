# cdc-runner: the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
MVN ?= mvn -B -q
JAR := cdc-runner/target/cdc-runner.jar
DEMO_JAR := demo/target/cdc-runner-demo.jar

.PHONY: demo test test-fast test-tier bench build dist install mariadb mysql brokers test-tools packages clean config-docs

## demo: build, start a throwaway MariaDB, run the daemon with a demo writer, print the result.
## `make demo DB=mysql` runs it on a throwaway MySQL 8.0 instead (from the dev kit's Maven dependency).
## Without a MariaDB server (and no root to install one) it uses MySQL 8.4 in Docker when Docker runs.
## `make demo DEMO_ARGS=--celery` has a Celery worker run a task per customer instead, through a local Redis
## (`DEMO_ARGS="--celery --broker rabbitmq"`: RabbitMQ); it installs the broker and Celery's Python modules first.
DB ?= mariadb
CELERY_PYTHON := celery.py:python3-celery redis.py:python3-redis sqlalchemy.py:python3-sqlalchemy \
  pymysql.py:python3-pymysql
DEMO_BROKER := $(if $(findstring rabbitmq,$(DEMO_ARGS)),rabbitmq-server:rabbitmq-server,redis-server:redis-server)
DEMO_PACKAGES := $(if $(findstring --celery,$(DEMO_ARGS)),$(DEMO_BROKER) $(CELERY_PYTHON))
demo: build
	@if [ -n "$(DEMO_PACKAGES)" ]; then $(MAKE) -s packages PACKAGES="$(DEMO_PACKAGES)" || exit 1; fi; \
	if [ "$(DB)" = mysql ]; then \
	  $(MAKE) -s mysql && java -jar $(DEMO_JAR) demo --flavor mysql $(DEMO_ARGS); \
	elif [ "$(DB)" != mariadb ]; then \
	  echo "DB=$(DB): use DB=mariadb (the default) or DB=mysql" >&2; exit 2; \
	elif $(MAKE) -s mariadb 2>/dev/null; then \
	  java -jar $(DEMO_JAR) demo $(DEMO_ARGS); \
	elif docker info >/dev/null 2>&1; then \
	  echo "No MariaDB server here: running the demo against MySQL 8.4 in Docker."; \
	  docker rm -f cdc-runner-demo-mysql >/dev/null 2>&1; \
	  docker run -d --name cdc-runner-demo-mysql -e MYSQL_ROOT_PASSWORD=demo-root -p 127.0.0.1:33306:3306 \
	    mysql:8.4 --server-id=1 --log-bin=binlog --binlog-format=ROW --gtid-mode=ON --enforce-gtid-consistency=ON >/dev/null; \
	  for i in $$(seq 1 60); do docker exec cdc-runner-demo-mysql mysqladmin --protocol=TCP -h127.0.0.1 -uroot -pdemo-root ping >/dev/null 2>&1 && break; sleep 2; done; \
	  CDC_DEMO_ROOT_PASSWORD=demo-root java -jar $(DEMO_JAR) demo --db 127.0.0.1:33306 $(DEMO_ARGS); \
	  status=$$?; docker rm -f cdc-runner-demo-mysql >/dev/null; exit $$status; \
	else \
	  echo "The demo needs a database: install the MariaDB server (sudo apt-get install mariadb-server)" >&2; \
	  echo "or start Docker (the demo then runs MySQL 8.4 in a container)." >&2; \
	  exit 1; \
	fi

## test: the whole test suite against real (throwaway) MariaDB servers; `verify` also packages the distribution
## and runs the *IT tests (failsafe) against it: bin/cdc-runner run, status, the Prometheus scrape
## The tiers (JUnit tags; every test class carries one, see io.cdcrunner.testkit): unit (needs nothing), database
## (starts a throwaway MariaDB, or MySQL in Docker), kafka (embeds Kafka and Connect), fault (runs daemon processes
## and kills things). Test classes run in two JVMs at once; -Dtest.forks=1 runs them one after another.
## FULL=1 adds the MySQL variants of the slowest fault tests (HA takeovers, database restarts, poison rows, halt
## mode, the connector's first start): about twice as long; CI runs it.
FULL ?=
FULL_FLAGS := $(if $(FULL),-Dcdc.test.full=true,)
test: test-tools
	mvn -B -ntp verify $(FULL_FLAGS)

## test-fast: the unit tier alone, in under a minute: no database, no Kafka, no daemon process
test-fast:
	mvn -B -ntp test -DexcludedGroups=database,kafka,fault

## test-tier TIER=database: one tier's tests (unit, database, kafka or fault), without the packaged *IT tests
test-tier: test-tools
	mvn -B -ntp test -Dgroups=$(TIER) $(FULL_FLAGS)

## bench: latency, catch-up, lanes and memory side by side with bare Debezium on a MariaDB, then latency and catch-up
## again on a MySQL 8.0, each beside bare Debezium on that server; prints a table and writes
## bench/results/latest.json and bench/results/latency.png (about 15 minutes on 2 cores; run it on a quiet machine;
## BENCH_ARGS="--flavors mariadb" for MariaDB alone; the Celery scenario starts a Redis and a RabbitMQ;
## BENCH_ARGS="--only backfill" runs the backfill scenario, left out of the default run: 6 to 8 minutes for both servers)
bench: mariadb mysql brokers
	$(MVN) -pl bench -am -DskipTests package
	java -Djava.awt.headless=true -jar bench/target/cdc-runner-bench.jar $(BENCH_ARGS)

build:
	$(MVN) -DskipTests package

## dist: the distribution dist/cdc-runner-VERSION/ (bin/cdc-runner, lib/, ext/, agent/, config/) and its .tar.gz;
## the jars users put in dist/cdc-runner-*/ext/ are kept
dist:
	@rm -rf .dist-ext && mkdir -p .dist-ext && for d in dist/cdc-runner-*/ext; do [ -d "$$d" ] && cp -p "$$d"/* .dist-ext/ 2>/dev/null; done; true
	rm -rf dist
	$(MVN) -DskipTests package
	@for d in dist/cdc-runner-*/; do mkdir -p "$$d/ext" && cp -p .dist-ext/* "$$d/ext/" 2>/dev/null; done; rm -rf .dist-ext; true
	@ls -d dist/cdc-runner-*/ dist/cdc-runner-*.tar.gz

## install: puts the processor API (io.cdcrunner:processor) and the daemon in the local Maven repository, for
## projects that compile a processor against it
install:
	$(MVN) -DskipTests install

## mariadb: make sure the MariaDB server programs exist (installs them with apt-get when run as root)
mariadb:
	@$(MAKE) -s packages PACKAGES="mariadbd:mariadb-server"

## test-tools: mariadb, mysql's libraries, openssl (the TLS tests make their certificates with it), and what the
## Celery tests run: Redis, RabbitMQ and Debian's Python modules for a Celery worker (found in /usr/bin/python3)
test-tools:
	@$(MAKE) -s packages PACKAGES="mariadbd:mariadb-server libaio.so.1:libaio1 libnuma.so.1:libnuma1 openssl:openssl \
	  redis-server:redis-server rabbitmq-server:rabbitmq-server $(CELERY_PYTHON)"

## brokers: the Redis and RabbitMQ servers (the bench's Celery scenario starts its own; the services stay stopped)
brokers:
	@$(MAKE) -s packages PACKAGES="redis-server:redis-server rabbitmq-server:rabbitmq-server"

## mysql: the shared libraries the local MySQL 8.0 needs (the server itself comes with the dev kit's Maven dependency)
mysql:
	@$(MAKE) -s packages PACKAGES="libaio.so.1:libaio1 libnuma.so.1:libnuma1"

# packages PACKAGES="program:package ...": installs the packages whose program (or shared library, lib*.so*, or
# Python module of /usr/bin/python3, name.py) is missing (root and apt-get), else names them and fails. Services the
# packages bring (redis-server, rabbitmq-server) are not started: tests start their own on free ports.
packages:
	@missing=""; \
	for pair in $(PACKAGES); do \
	  program=$${pair%%:*}; package=$${pair#*:}; \
	  case $$program in \
	    *.so*) /sbin/ldconfig -p 2>/dev/null | grep -q "$$program " || missing="$$missing $$package";; \
	    *.py) /usr/bin/python3 -c "import $${program%.py}" >/dev/null 2>&1 || missing="$$missing $$package";; \
	    *) command -v $$program >/dev/null 2>&1 || [ -x /usr/sbin/$$program ] || missing="$$missing $$package";; \
	  esac; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing$$missing..."; \
	  policy=""; \
	  if [ ! -e /usr/sbin/policy-rc.d ]; then \
	    trap 'rm -f /usr/sbin/policy-rc.d' EXIT INT TERM; \
	    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy=ours; \
	  fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  status=$$?; \
	  if [ "$$policy" = ours ]; then rm -f /usr/sbin/policy-rc.d; fi; \
	  for service in redis-server rabbitmq-server; do \
	    case " $$missing " in *" $$service "*) service $$service stop >/dev/null 2>&1 || true;; esac; \
	  done; \
	  exit $$status; \
	else \
	  echo "missing:$$missing. Install them: sudo apt-get install$$missing" >&2; \
	  exit 1; \
	fi

## config-docs: regenerate config/cdc-runner.properties and the key reference in docs/configuration.md from the key
## declarations
config-docs: build
	java -jar $(JAR) config-doc sample --write config/cdc-runner.properties
	java -jar $(JAR) config-doc reference --write docs/configuration.md

clean:
	$(MVN) clean
	rm -rf dist
