package io.cdcrunner.check;

/** A table of the source, by database and name, printed as {@code db.table}. */
record TableName(String database, String table) {

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public String toString() {
        return database + "." + table;
    }
}
