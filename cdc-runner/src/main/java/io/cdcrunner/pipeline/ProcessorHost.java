package io.cdcrunner.pipeline;

import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.errors.Causes;
import io.cdcrunner.jdbc.JdbcPools;
import io.cdcrunner.config.JdbcTarget;
import io.cdcrunner.config.ConfigKey;
import io.cdcrunner.config.KeyNames;
import io.cdcrunner.config.ProcessorSettings;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.config.RunnerKeys;
import io.cdcrunner.processor.EventProcessor;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.ProcessorContext;

/**
 * Owns the user's processor: creates it from {@code processor.class}, gives it its configuration and a
 * pooled data source, and closes both. Unread {@code processor.*} keys are rejected after {@code open}.
 */
public final class ProcessorHost implements AutoCloseable {

    private final EventProcessor processor;
    private final HikariDataSource dataSource;
    /** The pool to {@code processor.read.url}, or {@code null} when the processor reads through {@link #dataSource}. */
    private final HikariDataSource readPool;
    private boolean opened;

    private ProcessorHost(EventProcessor processor, HikariDataSource dataSource, HikariDataSource readPool) {
        this.processor = processor;
        this.dataSource = dataSource;
        this.readPool = readPool;
    }

    /**
     * Instantiates and opens the processor.
     *
     * @throws PipelineStartException naming the problem and the fix when the class cannot be used, or
     *                                when {@code open} rejects the configuration
     */
    public static ProcessorHost open(RunnerConfig config) {
        ProcessorSettings settings = config.processor();
        EventProcessor processor = create(settings.className());
        HikariDataSource dataSource = dataSource(config);
        HikariDataSource readPool;
        try {
            readPool = config.read().ownServer() ? readPool(config) : null;
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        ProcessorHost host = new ProcessorHost(processor, dataSource, readPool);
        ProcessorConfig processorConfig = new ProcessorConfig(settings.options());
        try {
            processor.open(new Context(config.pipelineName(), processorConfig, dataSource, host.readDataSource(),
                    config.source().operations(), config.delivery().orderingColumn()));
            host.opened = true;
        } catch (IllegalArgumentException e) {
            // ProcessorConfig's way of saying a key is missing or malformed: the configuration is wrong.
            host.close();
            throw new ProcessorProblem("processor " + settings.className() + " rejects its configuration: "
                    + e.getMessage(), e);
        } catch (Exception e) {
            host.close();
            throw new PipelineStartException("processor " + settings.className() + " failed to open: "
                    + e.getMessage(), e);
        }
        Set<String> unread = processorConfig.unreadKeys();
        if (!unread.isEmpty()) {
            host.close();
            throw new ProcessorProblem("unknown processor key(s) " + unread.stream()
                    .map(k -> "processor." + k + suggestion(k, processorConfig)).toList() + ": neither cdc-runner nor "
                    + settings.className() + " uses them; check their spelling or remove them");
        }
        return host;
    }

    public EventProcessor processor() {
        return processor;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** What the processor reads through: the pool to {@code processor.read.url}, else {@link #dataSource()}. */
    public DataSource readDataSource() {
        return readPool != null ? readPool : dataSource;
    }

    /** " (did you mean processor.x?)" for a key close to one the processor read or the daemon declares. */
    private static String suggestion(String key, ProcessorConfig processorConfig) {
        Set<String> known = new TreeSet<>(processorConfig.readKeys());
        RunnerKeys.ALL.stream().map(ConfigKey::name).filter(name -> name.startsWith(RunnerKeys.PROCESSOR_PREFIX))
                .forEach(name -> known.add(name.substring(RunnerKeys.PROCESSOR_PREFIX.length())));
        return KeyNames.closest(key, known).map(k -> " (did you mean processor." + k + "?)")
                .orElse("");
    }

    /**
     * The processor, created: a class that is missing, of the wrong type or whose constructor throws is a
     * {@link ProcessorProblem} naming the class and the constructor's own exception.
     */
    public static EventProcessor create(String className) {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new ProcessorProblem("processor.class " + className
                    + " not found: put its jar in the distribution's ext/ directory or fix the class name", e);
        } catch (LinkageError e) {
            throw new ProcessorProblem("processor.class " + className + " cannot be loaded (" + e
                    + "): a jar it needs is missing from ext/, or its static initializer failed", e);
        }
        if (!EventProcessor.class.isAssignableFrom(type)) {
            throw new ProcessorProblem("processor.class " + className + " does not implement "
                    + EventProcessor.class.getName());
        }
        try {
            return type.asSubclass(EventProcessor.class).getDeclaredConstructor().newInstance();
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new ProcessorProblem("the constructor of processor.class " + className + " threw " + cause, cause);
        } catch (ReflectiveOperationException e) {
            throw new ProcessorProblem("processor.class " + className
                    + " needs a public no-argument constructor: " + e, e);
        }
    }

    private static HikariDataSource dataSource(RunnerConfig config) {
        return pool(config, "-processor", config.processor().jdbc(), "data source",
                "processor.jdbc.url/user/password (they default to the source's)");
    }

    private static HikariDataSource readPool(RunnerConfig config) {
        return pool(config, "-processor-read", config.read().target(), "read data source",
                "processor.read.url/user/password (they default to the processor's)");
    }

    private static HikariDataSource pool(RunnerConfig config, String nameSuffix, JdbcTarget target, String what,
                                         String keysToCheck) {
        try {
            // Processors react to other transactions' commits: they should see the latest committed rows. The
            // ledger's transactions hold the lease row (shared); a hung instance's must end for the takeover. Fail
            // fast at start-up rather than on the first event.
            return JdbcPools.to(target, config.pipelineName() + nameSuffix)
                    .size(config.processor().poolSize(), 1)
                    .readCommitted()
                    .sessionLimit(config.ha())
                    .failFastAfter(config.source().connectTimeout())
                    .open();
        } catch (RuntimeException e) {
            throw new PipelineStartException("cannot connect the processor's " + what + " to "
                    + target.shownUrl() + ": " + Causes.innermostMessage(e)
                    + "; check " + keysToCheck, e);
        }
    }

    @Override
    public void close() {
        try {
            if (opened) {
                processor.close();
            }
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(ProcessorHost.class).warn("processor close failed: {}", e.toString());
        } finally {
            opened = false;
            if (readPool != null) {
                readPool.close();
            }
            dataSource.close();
        }
    }

    private record Context(String pipelineName, ProcessorConfig config, DataSource dataSource,
                           DataSource readDataSource, Set<Operation> operations,
                           java.util.Optional<String> orderingColumn) implements ProcessorContext {
    }
}
