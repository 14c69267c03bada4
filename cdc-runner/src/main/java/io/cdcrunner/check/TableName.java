package io.cdcrunner.check;

/** A table of the source, by database and name, printed as {@code db.table}. */
record TableName(String database, String table) {

    /** The name quoted for SQL, e.g. {@code `shop`.`orders`}. */
    String quoted() {
        return quote(database) + "." + quote(table);
    }

    static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    @Override
    public String toString() {
        return database + "." + table;
    }
}
