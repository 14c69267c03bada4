package io.cdcrunner.pipeline;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.core.ProcessingHaltedException;
import io.cdcrunner.core.SourceItem.Unmappable;
import io.cdcrunner.deadletter.DeadLetterStoreSink;
import io.cdcrunner.delivery.DeadLetterSink;
import io.cdcrunner.delivery.DeliveryCounters;
import io.cdcrunner.processor.ChangeEvent;

/**
 * What happens to a change record the daemon cannot map to an event (a column type without a mapping, a bug):
 * it follows {@code processor.on.failure} like an event the processor failed on. With {@code dead-letter} it is
 * stored with the record itself, which {@code dlq replay} maps again, and the stream goes on; with {@code halt}
 * (or when it cannot be stored) the pipeline stops before it, naming the table, the position and the error.
 */
final class UnmappableRecords {

    private static final Logger log = LoggerFactory.getLogger(UnmappableRecords.class);

    private final String pipeline;
    private final DeadLetterSink deadLetters;
    private final DeliveryCounters counters;
    private final Clock clock;

    /** @param deadLetters the pipeline's sink: a {@link DeadLetterStoreSink}, unless the pipeline halts on failures */
    UnmappableRecords(String pipeline, DeadLetterSink deadLetters, DeliveryCounters counters, Clock clock) {
        this.pipeline = pipeline;
        this.deadLetters = deadLetters;
        this.counters = counters;
        this.clock = clock;
    }

    /**
     * Stores the record as a dead letter and returns, or throws.
     *
     * @throws UnmappableRecordException when the pipeline is to stop before the record
     */
    void handle(Unmappable record) {
        ChangeEvent described = record.described();
        if (described == null || !(deadLetters instanceof DeadLetterStoreSink store)) {
            throw new UnmappableRecordException(describe(record)
                    + (described == null ? "" : "; fix the cause and restart to process it, or set"
                    + " processor.on.failure=dead-letter to store such records and go on"), described, record.error());
        }
        try {
            store.unmapped(described, record.rawForm().get(), record.error(), clock.instant());
        } catch (RuntimeException e) {
            throw new UnmappableRecordException(describe(record)
                    + "; it could not be stored as a dead letter either (" + e.getMessage() + ")", described,
                    record.error());
        }
        counters.onDeadLettered();
        log.warn("pipeline '{}': stored as a dead letter: {} ('cdc-runner dlq replay' maps it again)", pipeline,
                describe(record));
    }

    private static String describe(Unmappable record) {
        ChangeEvent described = record.described();
        String where = described == null ? "a change record at " + record.where()
                : "the change record of " + described.qualifiedTable() + " at " + described.position().binlogEventId();
        return "cannot map " + where + " to an event: " + record.error().getMessage();
    }

    /** The pipeline stops before a record it cannot map. */
    static final class UnmappableRecordException extends ProcessingHaltedException {
        UnmappableRecordException(String message, ChangeEvent described, Throwable cause) {
            super(message, described, cause);
        }
    }
}
