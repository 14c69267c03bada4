package io.cdcrunner.debezium;

import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ServerFlavor;

/**
 * The connector the daemon runs for a flavor, embedded or in a Kafka Connect worker, and the connector properties
 * that both ways of running it set the same.
 */
public final class Connectors {

    private static final Map<ServerFlavor, String> CONNECTORS = Map.of(
            ServerFlavor.MARIADB, PromptMariaDbConnector.class.getName(),
            ServerFlavor.MYSQL, PromptMySqlConnector.class.getName());

    /**
     * The connector property that carries {@code engine.max.queue.bytes} to the daemon's connector task, which bounds
     * its queue by bytes itself (see {@link PromptPolling}); a Kafka Connect worker running that connector reads it too.
     */
    public static final String MAX_QUEUE_BYTES = PromptPolling.MAX_QUEUE_BYTES;

    /** The engine's property saying the daemon judged the recorded position before the start ({@link ResumeChecked}). */
    public static final String RESUME_CHECKED = ResumeChecked.PROPERTY;

    private Connectors() {
    }

    /** The connector class the daemon runs for a flavor: Debezium's, with the daemon's fixes (see its Javadoc). */
    public static String connectorClass(ServerFlavor flavor) {
        return CONNECTORS.get(flavor);
    }

    /** Debezium's skipped.operations codes for the operations the pipeline does not deliver. */
    public static String skippedOperations(Set<Operation> delivered) {
        StringJoiner skipped = new StringJoiner(",");
        if (!delivered.contains(Operation.UPDATE)) {
            skipped.add("u");
        }
        if (!delivered.contains(Operation.DELETE)) {
            skipped.add("d");
        }
        if (!delivered.contains(Operation.TRUNCATE)) {
            skipped.add("t");
        }
        return skipped.length() == 0 ? "none" : skipped.toString();
    }
}
