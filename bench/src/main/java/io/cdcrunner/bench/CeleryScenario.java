package io.cdcrunner.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

import io.cdcrunner.brokers.LocalRabbitMq;
import io.cdcrunner.brokers.LocalRedis;
import io.cdcrunner.brokers.ShopApp;
import io.cdcrunner.processor.builtin.CeleryTaskProcessor;
import io.cdcrunner.source.ServerInfo.BinlogPosition;

/**
 * Scenario 7: {@link CeleryTaskProcessor} publishing tasks while it drains scenario 3's first backlog (same rows,
 * families, rows per transaction and lanes), one task per family per batch, into a local Redis (append-only file
 * fsynced at every write, as a Celery broker should run) and a local RabbitMQ (durable queue, persistent messages,
 * publisher confirms), with no worker: what is measured is publishing. Beside each, in the same run, the same drain
 * with the no-op processor. After each run the broker's queue must hold exactly the tasks the processor saw
 * confirmed.
 */
final class CeleryScenario {

    static final String NOOP = "no-op";
    static final String REDIS = "redis";
    static final String RABBITMQ = "rabbitmq";

    private final Bench bench;
    private final EngineTuning tuning;

    CeleryScenario(Bench bench, EngineTuning tuning) {
        this.bench = bench;
        this.tuning = tuning;
    }

    Map<String, Object> run() throws Exception {
        Sizes sizes = bench.sizes;
        int[] set = sizes.familySets().get(0);
        Map<String, Object> scenarioSizes = new LinkedHashMap<>();
        scenarioSizes.put("rows", set[0]);
        scenarioSizes.put("families", set[1]);
        scenarioSizes.put("rows_per_transaction", FamilyScenario.ROWS_PER_TRANSACTION);
        scenarioSizes.put("lanes", sizes.familyLanes());
        scenarioSizes.put("celery_args", "family");
        scenarioSizes.put("brokers", "Redis (appendfsync always), RabbitMQ (durable queue, persistent, confirms)");
        scenarioSizes.put("engine", tuning.describe());
        bench.out.println();
        bench.out.println("  starting a local Redis and a local RabbitMQ ...");
        try (LocalRedis redis = LocalRedis.builder().password("bench-redis-secret").start();
             LocalRabbitMq rabbit = LocalRabbitMq.builder().user("bench", "bench-rabbit-secret").start()) {
            String table = "celery_orders_" + set[0] + "_" + set[1];
            bench.createTable(table);
            BinlogPosition start = bench.insertBacklog(table, set[0], FamilyScenario.ROWS_PER_TRANSACTION, set[1]);
            List<Map<String, Object>> plan = new ArrayList<>();
            for (int lanes : sizes.familyLanes()) {
                plan.add(args(table, set, NOOP, null, lanes, start));
                plan.add(args(table, set, REDIS, redis.url(), lanes, start));
                plan.add(args(table, set, RABBITMQ, rabbit.url(), lanes, start));
            }
            Map<String, Object> scenario = bench.begin("7. CeleryTaskProcessor: tasks published per second to Redis "
                            + "and RabbitMQ while draining scenario 3's backlog, beside the no-op processor",
                    scenarioSizes, plan.stream().map(a -> ChildJvm.describe(DrainRun.class, List.of(), a)).toList());
            Map<String, ToLongFunction<String>> queues = Map.of(REDIS, redis::llen, RABBITMQ, rabbit::messageCount);
            List<Map<String, Object>> runs = new ArrayList<>();
            TextTable text = new TextTable("lanes", "processor", "events/s drain", "ratio to no-op", "tasks",
                    "tasks/s", "rows per task", "in queue / confirmed", "round trip mean / max ms");
            double noop = 0;
            for (Map<String, Object> args : plan) {
                String target = (String) args.get("target");
                int lanes = (Integer) args.get("daemon.processor.threads");
                bench.out.printf("  draining %s rows in %s families, %s, %d lane(s) ...%n", set[0], set[1], target,
                        lanes);
                Map<String, Object> result = bench.runChild(args.get("name").toString(), DrainRun.class, List.of(),
                        args, Duration.ofMinutes(4));
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("target", target);
                run.put("lanes", lanes);
                run.putAll(result);
                double rate = Boolean.TRUE.equals(result.get("complete"))
                        ? ((Number) result.get("events_per_s_drain")).doubleValue() : 0;
                if (target.equals(NOOP)) {
                    noop = rate;
                    runs.add(run);
                    text.row(lanes, target, result.get("events_per_s_drain"), null, null, null, null, null, null);
                    continue;
                }
                run.put("ratio_to_noop", noop == 0 ? null : Math.round(rate / noop * 1000) / 1000.0);
                @SuppressWarnings("unchecked")
                Map<String, Object> delivery = (Map<String, Object>) result.get("delivery");
                long confirmed = ((Number) delivery.get("messages_confirmed")).longValue();
                long queued = queues.get(target).applyAsLong(args.get("daemon.processor.celery.queue").toString());
                run.put("queue_length", queued);
                run.put("queue_holds_confirmed", queued == confirmed);
                run.put("rows_per_task", Math.round(set[0] * 100.0 / Math.max(1, confirmed)) / 100.0);
                runs.add(run);
                text.row(lanes, target, result.get("events_per_s_drain"), run.get("ratio_to_noop"), confirmed,
                        delivery.get("messages_per_s_drain"), run.get("rows_per_task"),
                        String.format("%,d / %,d%s", queued, confirmed, queued == confirmed ? "" : " DIFFER"),
                        delivery.get("round_trip_mean_ms") + " / " + delivery.get("round_trip_max_ms"));
            }
            scenario.put("runs", runs);
            bench.end(scenario, text);
            return scenario;
        }
    }

    private Map<String, Object> args(String table, int[] set, String target, String brokerUrl, int lanes,
                                     BinlogPosition start) throws java.io.IOException {
        String name = "celery-" + target + "-" + lanes;
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("mode", "cdc");
        args.put("name", name);
        args.put("table", table);
        args.put("rows", set[0]);
        args.put("families", set[1]);
        args.put("state", bench.stateDir(name));
        args.put("start.file", start.file());
        args.put("start.pos", start.position());
        args.put("start.gtid", start.gtidSet() == null ? "" : start.gtidSet());
        args.put("server.id", bench.nextServerId());
        args.put("timeout.s", 220);
        args.putAll(tuning.toArgs());
        args.put("target", target);
        args.put("daemon.processor.threads", lanes);
        args.put("daemon.processor.ordering.column", "customer_id");
        if (brokerUrl == null) {
            args.put("daemon.processor.class", NoopProcessor.class.getName());
        } else {
            args.put("daemon.processor.class", CeleryTaskProcessor.class.getName());
            args.put("daemon.processor.celery.broker.url", brokerUrl);
            args.put("daemon.processor.celery.task", ShopApp.READ_IT);
            // A queue of its own per run: afterwards it holds this run's tasks alone.
            args.put("daemon.processor.celery.queue", "bench-" + name);
            args.put("daemon.processor.celery.args", "family");
        }
        return args;
    }
}
