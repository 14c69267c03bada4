package io.cdcrunner.debezium;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.debezium.text.MultipleParsingExceptions;
import io.debezium.text.ParsingException;

/**
 * Hands each statement the engine passed over to the pipeline that read it: a DDL statement its parser could not
 * read (and skipped), and a row change written as a statement instead of row images. It also drops the engine's
 * "not connector specific implementation" warning, which the daemon's connector subclasses cause at every start.
 *
 * <p>The engine runs with {@code schema.history.internal.skip.unparseable.ddl=true} so that a statement outside
 * the capture cannot stop it, and it skips statement-format DML anyway; the only trace of either is a warning the
 * engine logs with the statement. This filter sees that call on the binlog thread, before anything after the
 * statement is read, and replaces the warning by the pipeline's own decision. Pipelines are told apart by
 * the engine's logging context, which names the connector after {@code pipeline.name}. The same statements,
 * replayed from the schema history at a later start, are passed over without a word: they were judged when read.
 */
public final class SkippedStatementFilter extends TurboFilter {

    static final String SCHEMA_LOGGER = "io.debezium.connector.binlog.BinlogDatabaseSchema";
    static final String STREAMING_LOGGER = "io.debezium.connector.binlog.BinlogStreamingChangeEventSource";
    /** The engine's words for a statement-format row change (the only thing that tells it from other warnings). */
    static final String ROWLESS_DML_FORMAT = "Received DML '{}' for processing";
    private static final String CONNECTOR_NAME = "dbz.connectorLogicalName";
    private static final Map<String, SkippedStatementListener> LISTENERS = new ConcurrentHashMap<>();
    private static volatile boolean installed;

    /**
     * Sends the statements that pipeline {@code pipeline} skips to {@code listener} until the returned handle is
     * closed. Throws when Logback is not the logging backend: without it a skip would go unseen.
     */
    public static AutoCloseable listen(String pipeline, SkippedStatementListener listener) {
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
        SkippedStatementFilter filter = new SkippedStatementFilter();
        filter.setName("cdc-runner-skipped-statements");
        filter.start();
        // First in the chain, so no filter of the user's (a DuplicateMessageFilter, say) denies the call before it;
        // turbo filters run before the level check, so a configuration that silences io.debezium hides nothing.
        context.getTurboFilterList().add(0, filter);
        // A reconfiguration (scan="true") resets the context and drops turbo filters: put it back each time.
        context.addListener(new LoggerContextListener() {
            @Override
            public boolean isResetResistant() {
                return true;
            }

            @Override
            public void onReset(LoggerContext reset) {
                if (!reset.getTurboFilterList().contains(filter)) {
                    reset.getTurboFilterList().add(0, filter);
                }
            }

            @Override
            public void onStart(LoggerContext started) {
            }

            @Override
            public void onStop(LoggerContext stopped) {
            }

            @Override
            public void onLevelChange(ch.qos.logback.classic.Logger logger, Level level) {
            }
        });
        installed = true;
    }

    static final String GENERIC_SNAPSHOT_SPI = "Found a not connector specific implementation";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.WARN || params == null || params.length == 0 || !(params[0] instanceof String statement)) {
            return FilterReply.NEUTRAL;
        }
        if (STREAMING_LOGGER.equals(logger.getName()) && format != null && format.startsWith(ROWLESS_DML_FORMAT)) {
            return tell(listener -> listener.rowlessDml(statement));
        }
        if (format != null && format.startsWith(GENERIC_SNAPSHOT_SPI) && logger.getName().startsWith("io.debezium.snapshot")) {
            // The engine's snapshot lock and query implementations name Debezium's own connector classes, not the
            // daemon's subclasses (PromptMariaDbConnector); the match by name it falls back on runs the same
            // code, so the warning at every start says nothing to a user.
            return FilterReply.DENY;
        }
        if (!isParseFailure(t, params)) {
            return FilterReply.NEUTRAL;
        }
        if (logger.getName().endsWith("SchemaHistory")) {
            // The history replays what it stored, unparseable statements too; each was judged when it was read.
            return FilterReply.DENY;
        }
        if (!SCHEMA_LOGGER.equals(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        return tell(listener -> listener.unparseableDdl(statement));
    }

    /**
     * Tells the pipeline whose engine logged it (an engine that is no pipeline's is left alone); when the logging
     * context does not say which, every pipeline, each judging the statement against its own capture.
     */
    private static FilterReply tell(Consumer<SkippedStatementListener> call) {
        String name = MDC.get(CONNECTOR_NAME);
        if (name != null) {
            SkippedStatementListener named = LISTENERS.get(name);
            if (named == null) {
                return FilterReply.NEUTRAL;
            }
            call.accept(named);
            return FilterReply.DENY;
        }
        if (LISTENERS.isEmpty()) {
            return FilterReply.NEUTRAL;
        }
        LISTENERS.values().forEach(call);
        return FilterReply.DENY;
    }

    private static boolean isParseFailure(Throwable t, Object[] params) {
        Object last = t != null ? t : params[params.length - 1];
        return last instanceof ParsingException || last instanceof MultipleParsingExceptions;
    }

}
