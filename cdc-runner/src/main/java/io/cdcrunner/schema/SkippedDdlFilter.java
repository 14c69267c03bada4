package io.cdcrunner.schema;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.debezium.text.MultipleParsingExceptions;
import io.debezium.text.ParsingException;

/**
 * Hands each DDL statement the engine's parser could not read, and skipped, to the pipeline that read it.
 *
 * <p>The engine runs with {@code schema.history.internal.skip.unparseable.ddl=true} so that a statement outside
 * the capture cannot stop it; the only trace of a skip is the warning its schema class logs with the statement and
 * the parser's exception. This filter sees that call on the binlog thread, before anything after the statement is
 * read, and replaces the warning (with its stack trace) by the pipeline's own decision. Pipelines are told apart by
 * the engine's logging context, which names the connector after {@code pipeline.name}. The same statements,
 * replayed from the schema history at a later start, are passed over without a word: they were judged when read.
 */
public final class SkippedDdlFilter extends TurboFilter {

    static final String SCHEMA_LOGGER = "io.debezium.connector.binlog.BinlogDatabaseSchema";
    private static final String CONNECTOR_NAME = "dbz.connectorLogicalName";
    private static final Map<String, Consumer<String>> LISTENERS = new ConcurrentHashMap<>();
    private static volatile boolean installed;

    /**
     * Sends the statements that pipeline {@code name} skips to {@code listener} until the returned handle is
     * closed. Throws when Logback is not the logging backend: without it a skip would go unseen.
     */
    public static AutoCloseable listen(String pipeline, Consumer<String> listener) {
        install();
        LISTENERS.put(pipeline, listener);
        return () -> LISTENERS.remove(pipeline, listener);
    }

    private static synchronized void install() {
        if (installed) {
            return;
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            throw new IllegalStateException("cdc-runner needs Logback as its logging backend to see the DDL statements"
                    + " the engine cannot parse; found " + LoggerFactory.getILoggerFactory().getClass().getName());
        }
        SkippedDdlFilter filter = new SkippedDdlFilter();
        filter.setName("cdc-runner-skipped-ddl");
        filter.start();
        // Turbo filters run before the level check: a logging configuration that silences io.debezium hides nothing.
        context.addTurboFilter(filter);
        installed = true;
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.WARN || params == null || params.length == 0 || !(params[0] instanceof String statement)
                || !isParseFailure(t, params)) {
            return FilterReply.NEUTRAL;
        }
        if (logger.getName().endsWith("SchemaHistory")) {
            // The history replays what it stored, unparseable statements too; each was judged when it was read.
            return FilterReply.DENY;
        }
        if (!SCHEMA_LOGGER.equals(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        Consumer<String> listener = listener();
        if (listener == null) {
            return FilterReply.NEUTRAL;
        }
        listener.accept(statement);
        return FilterReply.DENY;
    }

    private static boolean isParseFailure(Throwable t, Object[] params) {
        Object last = t != null ? t : params[params.length - 1];
        return last instanceof ParsingException || last instanceof MultipleParsingExceptions;
    }

    private static Consumer<String> listener() {
        String name = MDC.get(CONNECTOR_NAME);
        if (name != null) {
            return LISTENERS.get(name);
        }
        return LISTENERS.size() == 1 ? LISTENERS.values().iterator().next() : null;
    }
}
