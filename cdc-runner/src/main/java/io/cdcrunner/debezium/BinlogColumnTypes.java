package io.cdcrunner.debezium;

import java.lang.reflect.Field;
import java.util.Map;

import org.slf4j.LoggerFactory;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;

/**
 * Teaches the binlog reader MariaDB's compressed column types, {@code MYSQL_TYPE_BLOB_COMPRESSED} (140) and
 * {@code MYSQL_TYPE_VARCHAR_COMPRESSED} (141), which exist only in the binlog. Without them the reader fails on the
 * first row written to any table with a {@code COMPRESSED} column, captured or not, and the pipeline cannot go past
 * it. Their layout in a row event is that of {@code VARCHAR} and {@code BLOB} (a length, then the stored bytes), so
 * they are read as those; that a captured table has such a column stops the pipeline at its definition
 * ({@link MariaDbDdlParser}), so the stored bytes never reach a processor.
 */
final class BinlogColumnTypes {

    private static final int BLOB_COMPRESSED = 140;
    private static final int VARCHAR_COMPRESSED = 141;

    private BinlogColumnTypes() {
    }

    /** The binlog client's table of column types by code, which the patch adds the two codes to. */
    static Field indexByCode() throws Reflect.Moved {
        return Reflect.field(ColumnType.class, "INDEX_BY_CODE", BinlogColumnTypes.class);
    }

    /** Idempotent; call before the binlog reader starts. */
    @SuppressWarnings("unchecked")
    static synchronized void teachCompressedTypes() {
        if (ColumnType.byCode(VARCHAR_COMPRESSED) != null) {
            return;
        }
        try {
            Map<Integer, ColumnType> byCode = (Map<Integer, ColumnType>) indexByCode().get(null);
            byCode.put(VARCHAR_COMPRESSED, ColumnType.VARCHAR);
            byCode.put(BLOB_COMPRESSED, ColumnType.BLOB);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(BinlogColumnTypes.class).warn("Cannot teach this binlog reader MariaDB's compressed"
                    + " column types ({}): a row written to a table with a COMPRESSED column will stop the pipeline", e.toString());
        }
    }
}
