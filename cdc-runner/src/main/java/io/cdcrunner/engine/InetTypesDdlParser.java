package io.cdcrunner.engine;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;

import io.debezium.antlr.CaseChangingCharStream;
import io.debezium.connector.binlog.BinlogDatabaseSchema;
import io.debezium.connector.binlog.charset.BinlogCharsetRegistry;
import io.debezium.connector.mariadb.antlr.MariaDbAntlrDdlParser;
import io.debezium.connector.mariadb.charset.MariaDbCharsetRegistry;
import io.debezium.ddl.parser.mariadb.generated.MariaDBLexer;
import io.debezium.relational.Column;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import io.debezium.relational.Tables;
import io.debezium.relational.ddl.DdlChanges;
import io.debezium.relational.ddl.DdlParser;
import io.debezium.text.ParsingException;

/**
 * The engine's MariaDB DDL parser, taught MariaDB's {@code INET4} and {@code INET6} column types, which its grammar
 * lacks (so a table with such a column could not be captured, and its definition could not even be read).
 *
 * <p>A statement is parsed as it is first. Only when that fails, and the statement names one of the two types, is it
 * parsed again with each unquoted {@code INET4}/{@code INET6} word read as {@code BINARY(4)}/{@code BINARY(16)}, the
 * bytes these columns hold and the binlog carries, where the word follows a name (not after {@code (}, {@code ,},
 * {@code TABLE}, {@code COLUMN}... where it is a name itself); the columns declared so are then given their real type
 * name back, which {@link io.cdcrunner.source.InetColumnConverter} turns into the address text. Whatever parsed
 * before parses exactly as before; a statement that still fails (say {@code CHANGE a inet6 INT}, the word as a new
 * column name, beside an INET column) is handled like any statement the parser cannot read.
 */
public final class InetTypesDdlParser extends MariaDbAntlrDdlParser {

    private static final Map<String, String> STAND_INS = Map.of("INET4", "BINARY(4)", "INET6", "BINARY(16)");
    private static final Map<String, Integer> LENGTHS = Map.of("INET4", 4, "INET6", 16);
    /** Tokens after which a word is a name (of a table, a column, an index part), never a column's type. */
    private static final Set<Integer> BEFORE_NAMES = Set.of(MariaDBLexer.LR_BRACKET, MariaDBLexer.COMMA,
            MariaDBLexer.DOT, MariaDBLexer.TABLE, MariaDBLexer.COLUMN, MariaDBLexer.EXISTS, MariaDBLexer.ADD,
            MariaDBLexer.MODIFY, MariaDBLexer.CHANGE, MariaDBLexer.DROP, MariaDBLexer.AFTER, MariaDBLexer.RENAME,
            MariaDBLexer.TO, MariaDBLexer.ON, MariaDBLexer.LIKE);

    private InetTypesDdlParser(boolean includeComments, Tables.TableFilter tableFilter, BinlogCharsetRegistry charsets) {
        super(true, false, includeComments, tableFilter, charsets);
    }

    /**
     * Puts this parser in place of the one {@code schema} was built with, with the same settings. Called before the
     * schema history is recovered, so every statement the engine reads, stored or streamed, goes through it.
     */
    static void install(BinlogDatabaseSchema<?, ?, ?, ?> schema) {
        try {
            Field parserField = BinlogDatabaseSchema.class.getDeclaredField("ddlParser");
            parserField.setAccessible(true);
            MariaDbAntlrDdlParser original = (MariaDbAntlrDdlParser) parserField.get(schema);
            parserField.set(schema, new InetTypesDdlParser(!(boolean) read(original, "skipComments"),
                    (Tables.TableFilter) read(original, "tableFilter"), (BinlogCharsetRegistry) read(original, "charsetRegistry")));
        } catch (ReflectiveOperationException | ClassCastException e) {
            // An engine whose internals moved: INET4/INET6 columns are then handled like any type the parser lacks.
            org.slf4j.LoggerFactory.getLogger(InetTypesDdlParser.class).warn("Cannot teach this engine version's DDL"
                    + " parser the INET4 and INET6 types ({}); tables with such columns cannot be captured", e.toString());
        }
    }

    private static Object read(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
            try {
                Field field = type.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(target);
            } catch (NoSuchFieldException e) {
                // Declared further up.
            }
        }
        throw new NoSuchFieldException(name);
    }

    @Override
    public DdlChanges parse(String ddlContent, Tables databaseTables) {
        try {
            return super.parse(ddlContent, databaseTables);
        } catch (ParsingException e) {
            Rewrite rewrite = Rewrite.of(ddlContent);
            if (rewrite == null) {
                throw e;
            }
            Map<TableId, Table> before = tablesByIdentity(databaseTables);
            DdlChanges changes;
            try {
                changes = super.parse(rewrite.text(), databaseTables);
            } catch (ParsingException stillUnreadable) {
                throw e;
            }
            restoreTypeNames(databaseTables, before, rewrite.columnTypes());
            return changes;
        }
    }

    private static Map<TableId, Table> tablesByIdentity(Tables tables) {
        Map<TableId, Table> byId = new HashMap<>();
        for (TableId id : tables.tableIds()) {
            byId.put(id, tables.forTable(id));
        }
        return byId;
    }

    /** In each table the statement created or changed, the stand-in columns get their declared type name back. */
    private static void restoreTypeNames(Tables tables, Map<TableId, Table> before, Map<String, String> columnTypes) {
        Set<Table> unchanged = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        unchanged.addAll(before.values());
        for (TableId id : tables.tableIds()) {
            Table table = tables.forTable(id);
            if (unchanged.contains(table)) {
                continue;
            }
            List<Column> restored = new ArrayList<>();
            for (Column column : table.columns()) {
                String type = columnTypes.get(column.name().toLowerCase(Locale.ROOT));
                if (type != null && "BINARY".equalsIgnoreCase(column.typeName()) && column.length() == LENGTHS.get(type)) {
                    restored.add(column.edit().type(type).create());
                }
            }
            if (!restored.isEmpty()) {
                tables.overwriteTable(table.edit().addColumns(restored).create());
            }
        }
    }

    /** The statement with its INET types replaced, and which column (the name before each) was declared with which. */
    private record Rewrite(String text, Map<String, String> columnTypes) {

        static Rewrite of(String ddl) {
            MariaDBLexer lexer = new MariaDBLexer(new CaseChangingCharStream(CharStreams.fromString(ddl), true));
            lexer.removeErrorListeners();
            StringBuilder text = new StringBuilder(ddl.length() + 16);
            Map<String, String> columnTypes = new HashMap<>();
            int copied = 0;
            Token previous = null;
            for (Token token = lexer.nextToken(); token.getType() != Token.EOF; token = lexer.nextToken()) {
                if (token.getChannel() != Token.DEFAULT_CHANNEL) {
                    continue;
                }
                String word = token.getType() == MariaDBLexer.ID ? token.getText().toUpperCase(Locale.ROOT) : "";
                String standIn = STAND_INS.get(word);
                if (standIn != null && previous != null && !BEFORE_NAMES.contains(previous.getType())) {
                    text.append(ddl, copied, token.getStartIndex()).append(standIn);
                    copied = token.getStopIndex() + 1;
                    columnTypes.put(unquoted(previous.getText()).toLowerCase(Locale.ROOT), word);
                }
                previous = token;
            }
            if (copied == 0) {
                return null;
            }
            return new Rewrite(text.append(ddl, copied, ddl.length()).toString(), columnTypes);
        }

        private static String unquoted(String name) {
            return name.length() >= 2 && name.charAt(0) == '`' && name.charAt(name.length() - 1) == '`'
                    ? name.substring(1, name.length() - 1).replace("``", "`")
                    : name;
        }
    }

    /** A parser like the one the engine uses, over all tables: for reading a definition outside the engine. */
    public static DdlParser standalone() {
        return new InetTypesDdlParser(true, Tables.TableFilter.includeAll(), new MariaDbCharsetRegistry());
    }
}
