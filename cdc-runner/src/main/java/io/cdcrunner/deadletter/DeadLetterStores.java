package io.cdcrunner.deadletter;

import java.util.List;

import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.ConfigProblem;
import io.cdcrunner.config.DeadLetterSettings;
import io.cdcrunner.config.JdbcTarget;
import io.cdcrunner.config.RunnerConfig;

/** Creates the dead-letter store that {@code deadletter.store} names. */
public final class DeadLetterStores {

    static final String KEY = "deadletter.store";
    private static final String CHOICES = "a class implementing " + DeadLetterStore.class.getName()
            + " with a public no-argument constructor, such as " + JsonLinesDeadLetterStore.class.getName()
            + " or " + JdbcDeadLetterStore.class.getName();

    private DeadLetterStores() {
    }

    /**
     * Instantiates and opens the configured store. The caller closes it.
     *
     * @throws ConfigException          if {@code deadletter.store} names no usable class (the message says why)
     * @throws DeadLetterStoreException if the store cannot be opened
     */
    public static DeadLetterStore open(RunnerConfig config) throws ConfigException {
        return open(config.deadLetters().storeClass(), context(config));
    }

    /** The store's context for {@code config}. */
    public static DeadLetterStoreContext context(RunnerConfig config) {
        DeadLetterSettings settings = config.deadLetters();
        JdbcTarget jdbc = settings.jdbc();
        return new DeadLetterStoreContext(config.pipelineName(), config.stateDir(), settings, jdbc.url(), jdbc.user(),
                jdbc.password(), jdbc.driverProperties(),
                io.cdcrunner.jdbc.HaSessionLimit.of(config.ha()).seconds());
    }

    /**
     * Instantiates {@code className} and opens it with {@code context}. The caller closes it.
     *
     * @throws ConfigException          if the class is missing, is no {@link DeadLetterStore} or cannot be created
     * @throws DeadLetterStoreException if the store cannot be opened
     */
    public static DeadLetterStore open(String className, DeadLetterStoreContext context) throws ConfigException {
        DeadLetterStore store = instantiate(className);
        try {
            store.open(context);
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static DeadLetterStore instantiate(String className) throws ConfigException {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException | LinkageError e) {
            throw problem(className, CHOICES + " (no such class on the class path: fix the name, or put the jar "
                    + "holding it in the distribution's ext/ directory)", e);
        }
        if (!DeadLetterStore.class.isAssignableFrom(type)) {
            throw problem(className, CHOICES + " (this class does not implement "
                    + DeadLetterStore.class.getSimpleName() + ")", null);
        }
        try {
            return type.asSubclass(DeadLetterStore.class).getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw problem(className, CHOICES + " (it could not be created: " + e + ")", e);
        }
    }

    private static ConfigException problem(String className, String expected, Throwable cause) {
        ConfigException exception = new ConfigException(List.of(new ConfigProblem(KEY, className, expected)));
        if (cause != null) {
            exception.initCause(cause);
        }
        return exception;
    }
}
