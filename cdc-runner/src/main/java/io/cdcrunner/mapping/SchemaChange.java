package io.cdcrunner.mapping;

import java.time.Instant;
import java.util.List;

import io.cdcrunner.processor.SourcePosition;

/**
 * A schema change as the engine reports it on its schema-change topic: one DDL statement and the tables it created,
 * altered or dropped.
 *
 * @param ddl        the statement
 * @param database   the database the engine attributes it to (for {@code DROP DATABASE}, the dropped one)
 * @param tables     the tables the statement changed, as the engine understood it; empty for database statements
 * @param position   where the statement is in the binlog ({@link SourcePosition#snapshot()} for the engine's own
 *                   statements while it takes a schema snapshot)
 * @param commitTime when it was logged, or {@code null}
 */
public record SchemaChange(String ddl, String database, List<TableChange> tables, SourcePosition position,
                           Instant commitTime) {

    /** @param type {@code CREATE}, {@code ALTER} or {@code DROP} */
    public record TableChange(String type, String database, String table) {
    }
}
