package io.cdcrunner.pipeline;

import java.time.Clock;

import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.deadletter.DeadLetterStoreSink;
import io.cdcrunner.delivery.DeadLetterSink;
import io.cdcrunner.delivery.DeliveryCounters;
import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.binlog.RecordMapper;
import io.cdcrunner.binlog.SourceRecordJson;

/**
 * What happens to a change record the daemon cannot map to an event (a column type without a mapping, a bug):
 * it follows {@code processor.on.failure} like an event the processor failed on. With {@code dead-letter} it is
 * stored with the record itself, which {@code dlq replay} maps again, and the stream goes on; with {@code halt}
 * (or when it cannot be stored) the pipeline stops before it, naming the table, the position and the error.
 */
final class UnmappableRecords {

    private static final Logger log = LoggerFactory.getLogger(UnmappableRecords.class);

    private final String pipeline;
    private final RecordMapper mapper;
    private final DeadLetterSink deadLetters;
    private final DeliveryCounters counters;
    private final Clock clock;

    /** @param deadLetters the pipeline's sink: a {@link DeadLetterStoreSink}, unless the pipeline halts on failures */
    UnmappableRecords(String pipeline, RecordMapper mapper, DeadLetterSink deadLetters, DeliveryCounters counters,
                      Clock clock) {
        this.pipeline = pipeline;
        this.mapper = mapper;
        this.deadLetters = deadLetters;
        this.counters = counters;
        this.clock = clock;
    }

    /**
     * Stores the record as a dead letter and returns, or throws.
     *
     * @throws UnmappableRecordException when the pipeline is to stop before the record
     */
    void handle(SourceRecord record, RuntimeException error) {
        ChangeEvent described = mapper.describeUnmapped(record);
        if (described == null || !(deadLetters instanceof DeadLetterStoreSink store)) {
            throw new UnmappableRecordException(describe(described, record, error)
                    + (described == null ? "" : "; fix the cause and restart to process it, or set"
                    + " processor.on.failure=dead-letter to store such records and go on"), described, error);
        }
        try {
            store.unmapped(described, SourceRecordJson.write(record), error, clock.instant());
        } catch (RuntimeException e) {
            throw new UnmappableRecordException(describe(described, record, error)
                    + "; it could not be stored as a dead letter either (" + e.getMessage() + ")", described, error);
        }
        counters.onDeadLettered();
        log.warn("pipeline '{}': stored as a dead letter: {} ('cdc-runner dlq replay' maps it again)", pipeline,
                describe(described, record, error));
    }

    private static String describe(ChangeEvent described, SourceRecord record, RuntimeException error) {
        String where = described == null ? "a change record at " + record.sourceOffset()
                : "the change record of " + described.qualifiedTable() + " at " + described.position().eventId();
        return "cannot map " + where + " to an event: " + error.getMessage();
    }

    /** The pipeline stops before a record it cannot map. */
    static final class UnmappableRecordException extends ProcessingHaltedException {
        UnmappableRecordException(String message, ChangeEvent described, Throwable cause) {
            super(message, described, cause);
        }
    }
}
