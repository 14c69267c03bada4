package io.cdcrunner.state;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Where the binlog source keeps what it must find again after a restart: the engine's offsets, its schema history and
 * the DDL statements whose table definitions were read from the server instead. Files in {@code state.dir}
 * ({@link StateDirectory}) or tables several instances share ({@link JdbcStateStore}).
 */
public interface StateStore {

    /** One DDL statement whose table definitions were taken from the server: its binlog position and text. */
    record Recovery(String file, long pos, String statement) {
    }

    /** The recorded offsets, key JSON to value JSON as the engine's converter wrote them; empty when none. */
    Map<String, String> offsets();

    /** Replaces the offsets with {@code offsets} atomically (a crash leaves the old ones or the new ones). */
    void writeOffsets(Map<String, String> offsets);

    /**
     * The backfill record ({@code io.cdcrunner.backfill.BackfillLog}'s JSON document: the runs asked for and the
     * capture the last start selected), kept beside the offsets and moved to another instance with them; empty when
     * none was written.
     */
    java.util.Optional<String> backfillRecord();

    /** Replaces the backfill record atomically (a crash leaves the old one or the new one). */
    void writeBackfillRecord(String json);

    /** Whether a schema history is recorded (not empty). */
    boolean hasSchemaHistory();

    /** The schema history's records, oldest first, each the JSON document the engine wrote. */
    List<String> schemaHistory();

    /** Sets the schema history aside (kept for diagnosis, named after {@code label}): the next start reads the server's. */
    void setSchemaHistoryAside(String label);

    /** Sets the offsets and the schema history aside (kept, named after {@code label}): the next start begins afresh. */
    void setStateAside(String label);

    /** The recorded schema recoveries, oldest first. */
    List<Recovery> recoveries();

    /** Records one more schema recovery, atomically. */
    void addRecovery(Recovery recovery);

    /** Sets the engine's {@code offset.storage} and {@code schema.history.internal} properties to this store. */
    void configureEngine(Properties engine);

    /** Where the state is, for messages: {@code state directory /var/lib/cdc-runner}, say. */
    String location();

    /** What a user deletes to start again at the binlog end, for messages. */
    String howToReset();

    /**
     * The engine is about to capture the table definitions into the schema history (a first start, a history set
     * aside, a snapshot): until {@link #schemaCaptured}, the history counts as incomplete, and the next start sets it
     * aside and captures again. Nothing to do where history records are stored together with the offsets.
     */
    default void beginSchemaCapture() {
    }

    /** The capture {@link #beginSchemaCapture} announced is complete and durable. Cheap when none is open. */
    default void schemaCaptured() {
    }

    /** How to set the schema history aside, so that the next start reads the definitions from the server. */
    String howToRebuildSchemaHistory();

    /** Restricts what the engine created meanwhile to the daemon's user, where that means something (files). */
    default void tighten() {
    }
}
