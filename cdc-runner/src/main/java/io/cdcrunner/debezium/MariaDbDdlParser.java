package io.cdcrunner.debezium;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

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
 * The engine's MariaDB DDL parser with two additions: it reads MariaDB's {@code INET4} and {@code INET6} column
 * types, which its grammar lacks, and it refuses compressed columns, which it would otherwise read wrongly.
 *
 * <p><b>Compressed columns.</b> The binlog carries a {@code COMPRESSED} column's value as stored (a header byte, then
 * zlib data or the plain value), and the server's own {@code SHOW CREATE TABLE} hides the attribute in a comment
 * ({@code /*M!100301 COMPRESSED*}{@code /}) that the grammar skips: read as a plain column, its values would arrive as
 * those stored bytes. A definition with such a column is therefore a statement this parser cannot read (with a
 * message that says so), which the daemon handles like any other: outside the capture it passes, on a captured table
 * the pipeline stops before the rows after it. Rows of such tables can be read at all only because
 * {@link BinlogColumnTypes} teaches the binlog reader the two column type codes.
 *
 * <p><b>INET types.</b>
 * <p>A statement is parsed as it is first. Only when that fails, and the statement names one of the two types, is it
 * parsed again with each unquoted {@code INET4}/{@code INET6} word read as {@code BINARY(4)}/{@code BINARY(16)}, the
 * bytes these columns hold and the binlog carries, where the word follows a name (not after {@code (}, {@code ,},
 * {@code TABLE}, {@code COLUMN}... where it is a name itself); the columns declared so are then given their real type
 * name back, which {@link io.cdcrunner.debezium.InetColumnConverter} turns into the address text. Whatever parsed
 * before parses exactly as before; a statement that still fails (say {@code CHANGE a inet6 INT}, the word as a new
 * column name, beside an INET column) is handled like any statement the parser cannot read.
 */
public final class MariaDbDdlParser extends MariaDbAntlrDdlParser {

    private static final Map<String, String> STAND_INS = Map.of("INET4", "BINARY(4)", "INET6", "BINARY(16)");
    private static final Map<String, Integer> LENGTHS = Map.of("INET4", 4, "INET6", 16);
    /** Tokens after which a word is a name (of a table, a column, an index part), never a column's type. */
    private static final Set<Integer> BEFORE_NAMES = Set.of(MariaDBLexer.LR_BRACKET, MariaDBLexer.COMMA,
            MariaDBLexer.DOT, MariaDBLexer.TABLE, MariaDBLexer.COLUMN, MariaDBLexer.EXISTS, MariaDBLexer.ADD,
            MariaDBLexer.MODIFY, MariaDBLexer.CHANGE, MariaDBLexer.DROP, MariaDBLexer.AFTER, MariaDBLexer.RENAME,
            MariaDBLexer.TO, MariaDBLexer.ON, MariaDBLexer.LIKE);

    private MariaDbDdlParser(boolean includeComments, Tables.TableFilter tableFilter, BinlogCharsetRegistry charsets) {
        super(true, false, includeComments, tableFilter, charsets);
    }

    /**
     * Puts this parser in place of the one {@code schema} was built with, with the same settings. Called before the
     * schema history is recovered, so every statement the engine reads, stored or streamed, goes through it.
     */
    static void install(BinlogDatabaseSchema<?, ?, ?, ?> schema) {
        try {
            Field parserField = schemaParser();
            MariaDbAntlrDdlParser original = (MariaDbAntlrDdlParser) parserField.get(schema);
            parserField.set(schema, new MariaDbDdlParser(!parserSetting("skipComments", boolean.class).getBoolean(original),
                    (Tables.TableFilter) parserSetting("tableFilter", Tables.TableFilter.class).get(original),
                    (BinlogCharsetRegistry) parserSetting("charsetRegistry", BinlogCharsetRegistry.class).get(original)));
        } catch (ReflectiveOperationException | ClassCastException e) {
            // An engine whose internals moved: INET4/INET6 columns are then handled like any type the parser lacks.
            org.slf4j.LoggerFactory.getLogger(MariaDbDdlParser.class).warn("Cannot teach this engine version's DDL"
                    + " parser the INET4 and INET6 types ({}); tables with such columns cannot be captured", e.toString());
        }
    }

    /** The schema's DDL parser, which the patch replaces. */
    static Field schemaParser() throws Reflect.Moved {
        return Reflect.field(BinlogDatabaseSchema.class, "ddlParser", MariaDbDdlParser.class);
    }

    /** A setting of the engine's parser, which its replacement is built with. */
    static Field parserSetting(String name, Class<?> type) throws Reflect.Moved {
        return Reflect.inherited(MariaDbAntlrDdlParser.class, name, type, MariaDbDdlParser.class);
    }

    @Override
    public DdlChanges parse(String ddlContent, Tables databaseTables) {
        Compression compression = Compression.in(ddlContent);
        if (compression == Compression.HIDDEN) {
            throw compression.refusal();
        }
        try {
            return super.parse(ddlContent, databaseTables);
        } catch (ParsingException e) {
            if (compression == Compression.OPEN) {
                throw compression.refusal();
            }
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

    private static final Pattern HIDDEN_COMPRESSED = Pattern.compile("/\\*M!\\d*\\s*COMPRESSED\\b", Pattern.CASE_INSENSITIVE);

    /** Where a statement declares compressed columns: in the server's comment form, or openly. */
    private enum Compression {
        NONE, OPEN, HIDDEN;

        static Compression in(String ddl) {
            if (ddl.toUpperCase(Locale.ROOT).indexOf("COMPRESSED") < 0) {
                return NONE;
            }
            MariaDBLexer lexer = new MariaDBLexer(new CaseChangingCharStream(CharStreams.fromString(ddl), true));
            lexer.removeErrorListeners();
            Compression found = NONE;
            Token previous = null;
            for (Token token = lexer.nextToken(); token.getType() != Token.EOF; token = lexer.nextToken()) {
                if (token.getChannel() != Token.DEFAULT_CHANNEL) {
                    if (HIDDEN_COMPRESSED.matcher(token.getText()).lookingAt()) {
                        return HIDDEN;
                    }
                    continue;
                }
                // Not a name (a column called "compressed"), nor ROW_FORMAT=COMPRESSED.
                if (token.getType() == MariaDBLexer.COMPRESSED && previous != null
                        && !BEFORE_NAMES.contains(previous.getType()) && previous.getType() != MariaDBLexer.EQUAL_SYMBOL) {
                    found = OPEN;
                }
                previous = token;
            }
            return found;
        }

        ParsingException refusal() {
            return new ParsingException(null, "a column is declared COMPRESSED, which cdc-runner cannot read from the"
                    + " binlog (it carries the stored, compressed bytes): define the column without COMPRESSED"
                    + " (ALTER TABLE ... MODIFY) or leave the table out of the capture");
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
        return new MariaDbDdlParser(true, Tables.TableFilter.includeAll(), new MariaDbCharsetRegistry());
    }
}
