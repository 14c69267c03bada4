package io.cdcrunner.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The engine properties a {@code debezium.*} key may not override: those the typed event model depends on, and
 * those the daemon sets from its own keys. Overriding one would silently change the Java types processors receive or
 * take a guarantee away, so it is a configuration error that names the reason (or the key to use instead).
 */
final class ReservedEngineProperties {

    private static final String TYPED = "the Java types processors receive depend on it (see the type table in"
            + " docs/types.md); it is fixed by cdc-runner";
    private static final Map<String, String> RESERVED = new LinkedHashMap<>();
    private static final Map<String, String> RESERVED_PREFIXES = new LinkedHashMap<>();

    static {
        for (String name : new String[] {"decimal.handling.mode", "bigint.unsigned.handling.mode",
                "time.precision.mode", "binary.handling.mode", "enable.time.adjuster", "column.propagate.source.type",
                "datatype.propagate.source.type", "event.converting.failure.handling.mode", "converters",
                "include.unknown.datatypes", "include.schema.changes", "tombstones.on.delete",
                "provide.transaction.metadata"}) {
            RESERVED.put(name, TYPED);
        }
        RESERVED_PREFIXES.put("transforms", "a transformation changes the change records the event model is read from");
        RESERVED_PREFIXES.put("predicates", "predicates only serve transformations, which are not allowed");
        RESERVED_PREFIXES.put("cdcrunner_", "cdc-runner's own converters and queue bound are configured under it");
        useInstead("source.flavor", "connector.class");
        useInstead("pipeline.name", "name", "topic.prefix");
        useInstead("state.dir", "offset.storage", "offset.storage.file.filename", "schema.history.internal",
                "schema.history.internal.file.filename");
        useInstead("state.offset.flush.interval.ms", "offset.flush.interval.ms");
        useInstead("source.host", "database.hostname");
        useInstead("source.port", "database.port");
        useInstead("source.user", "database.user");
        useInstead("source.password", "database.password");
        useInstead("source.server.id", "database.server.id");
        useInstead("source.databases", "database.include.list");
        useInstead("source.tables", "table.include.list");
        useInstead("source.start and source.recovery", "snapshot.mode", "snapshot.mode.custom.name");
        useInstead("source.operations", "skipped.operations");
        useInstead("source.connect.timeout.ms", "connect.timeout.ms");
        useInstead("source.ssl.*", "database.ssl.mode", "database.ssl.truststore", "database.ssl.truststore.password",
                "database.ssl.keystore", "database.ssl.keystore.password");
        useInstead("engine.poll.interval.ms", "poll.interval.ms");
        useInstead("engine.max.batch.size", "max.batch.size");
        useInstead("engine.max.queue.size", "max.queue.size");
        useInstead("backfill.chunk.size", "incremental.snapshot.chunk.size");
        String backfills = "backfills (cdc-runner snapshot) depend on it: the read-only snapshot, the daemon's own signal"
                + " and notification channels";
        for (String name : new String[] {"read.only", "signal.enabled.channels", "signal.data.collection",
                "notification.enabled.channels", "signal.poll.interval.ms"}) {
            RESERVED.put(name, backfills);
        }
        RESERVED.put("max.queue.size.in.bytes", "the daemon bounds its queue by bytes itself, with engine.max.queue.bytes;"
                + " Debezium's bound would copy every value of every record to measure it");
        String schema = "cdc-runner passes over DDL it cannot parse only outside the capture, and decides itself what"
                + " a captured table needs (see docs/schema-changes.md)";
        for (String name : new String[] {"schema.history.internal.skip.unparseable.ddl",
                "schema.history.internal.ddl.filter", "schema.history.internal.store.only.captured.tables.ddl",
                "schema.history.internal.store.only.captured.databases.ddl"}) {
            RESERVED.put(name, schema);
        }
        String noLoss = "a mode other than fail would skip changes the engine cannot read without a word";
        RESERVED.put("event.processing.failure.handling.mode", noLoss);
        RESERVED.put("inconsistent.schema.handling.mode", noLoss);
        RESERVED.put("snapshot.max.threads", "an initial snapshot reads rows on the one connection that knows dates"
                + " the server stores under sql_mode=ALLOW_INVALID_DATES; another connection would read 2020-02-30 as"
                + " 2020-03-01");
        RESERVED.put("message.key.columns", "key() holds the primary key, as docs/types.md documents");
        RESERVED.put("field.name.adjustment.mode", "it renames columns: Row holds them under their own names");
        RESERVED.put("schema.name.adjustment.mode", TYPED);
        RESERVED.put("skip.messages.without.change", "it drops updates that change no included column without a word");
        RESERVED_PREFIXES.put("gtid.source", "skipping transactions by GTID source would drop committed changes");
        RESERVED.put("errors.tolerance", "in a Kafka Connect worker, all drops every record a converter or"
                + " transformation fails on without a word");
    }

    private ReservedEngineProperties() {
    }

    private static void useInstead(String key, String... properties) {
        for (String property : properties) {
            RESERVED.put(property, "the daemon sets it from " + key + "; set that instead");
        }
    }

    /** Why {@code property} (an engine property name, prefix {@code debezium.} removed) may not be overridden. */
    static Optional<String> whyReserved(String property) {
        String reason = RESERVED.get(property);
        if (reason != null) {
            return Optional.of(reason);
        }
        return RESERVED_PREFIXES.entrySet().stream()
                .filter(e -> property.equals(e.getKey()) || property.startsWith(e.getKey().endsWith("_")
                        ? e.getKey() : e.getKey() + "."))
                .map(Map.Entry::getValue).findFirst();
    }

    /** Every reserved name, for the tests that check the engine settings against this list. */
    static Map<String, String> all() {
        return Map.copyOf(RESERVED);
    }
}
