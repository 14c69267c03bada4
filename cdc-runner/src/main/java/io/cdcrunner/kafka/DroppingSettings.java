package io.cdcrunner.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import io.cdcrunner.check.CheckResult;

/**
 * Connector settings with which Kafka Connect or Debezium pass over a change without stopping: a connector running
 * with one writes topics with holes the pipeline cannot see. {@code connector-config} never prints them (the daemon
 * refuses them as {@code debezium.*} overrides), so a running connector has them only if someone set them there;
 * {@link ConnectorCheck} names each as a failure with its fix.
 */
final class DroppingSettings {

    /** {@code drops} tests the value, trimmed and in lower case; {@code instead} is what removing it gives. */
    private record Rule(String key, Predicate<String> drops, String effect, String instead) {
    }

    private static final String STOPS = "the default, fail, stops the task on such an event, saying why, and it goes on"
            + " from that event once the cause is fixed";

    private static final List<Rule> RULES = List.of(
            new Rule("errors.tolerance", v -> !v.equals("none"), "Kafka Connect drops every record a converter or"
                    + " transformation fails on (errors.log.enable only logs it)",
                    "the default, none, stops the task on such a record, saying why"),
            new Rule("event.processing.failure.handling.mode", v -> !v.equals("fail"), "Debezium skips a binlog event"
                    + " it cannot process", STOPS),
            new Rule("event.deserialization.failure.handling.mode", v -> !v.equals("fail"), "Debezium skips a binlog"
                    + " event it cannot deserialize (a deprecated name of event.processing.failure.handling.mode)",
                    STOPS),
            new Rule("inconsistent.schema.handling.mode", v -> !v.equals("fail"), "Debezium skips the changes of a"
                    + " table its schema history does not know", STOPS),
            new Rule("skip.messages.without.change", v -> v.equals("true"), "Debezium drops an update that changes no"
                    + " included column", "every update is then delivered"),
            new Rule("gtid.source.excludes", v -> !v.isEmpty(), "Debezium drops the transactions of these GTID"
                    + " sources", "every committed transaction is then delivered"),
            new Rule("gtid.source.includes", v -> !v.isEmpty(), "Debezium drops the transactions of every other GTID"
                    + " source (a new primary's after a failover among them)",
                    "every committed transaction is then delivered"));

    private DroppingSettings() {
    }

    /** A failure for each setting of {@code running} with which changes are dropped. */
    static List<CheckResult> findIn(String connectUrl, String connector, Map<String, String> running) {
        List<CheckResult> failures = new ArrayList<>();
        for (Rule rule : RULES) {
            String value = running.get(rule.key());
            if (value != null && rule.drops().test(value.trim().toLowerCase(Locale.ROOT))) {
                failures.add(CheckResult.fail("connector", "connector '" + connector + "' has " + rule.key() + "="
                        + value.trim() + ": " + rule.effect() + ", and the pipeline never sees it", "remove "
                        + rule.key() + " (" + rule.instead() + "): cdc-runner connector-config --config FILE --apply "
                        + connectUrl + " gives the connector the configuration connector-config prints, its offsets"
                        + " kept"));
            }
        }
        return failures;
    }
}
