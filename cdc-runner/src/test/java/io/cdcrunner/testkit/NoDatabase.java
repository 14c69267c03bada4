package io.cdcrunner.testkit;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC URL whose connections reach no database: every statement does nothing. The daemon opens the processor's
 * pool at start even for a processor that never uses it ({@code ProcessorHost}, failing fast when it cannot connect);
 * unit-tier tests point {@code processor.jdbc.url} here so a pipeline starts without a server. A processor that
 * writes through its data source, a ledger ({@code TransactionalProcessor}), a read barrier or a JDBC store need a
 * real database, and the database tier.
 */
public final class NoDatabase implements Driver {

    private static final String PREFIX = "jdbc:cdc-testkit:";

    static {
        try {
            DriverManager.registerDriver(new NoDatabase());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The URL to give as {@code processor.jdbc.url} (registers the driver). */
    public static String url() {
        return PREFIX + "nowhere";
    }

    @Override
    public Connection connect(String url, Properties info) {
        return acceptsURL(url) ? (Connection) proxy(Connection.class) : null;
    }

    private static Object proxy(Class<?> type) {
        boolean[] closed = new boolean[1];
        InvocationHandler answers = (self, method, args) -> answer(type, method, closed);
        return Proxy.newProxyInstance(NoDatabase.class.getClassLoader(), new Class<?>[]{type}, answers);
    }

    private static Object answer(Class<?> type, Method method, boolean[] closed) {
        switch (method.getName()) {
            case "close":
                closed[0] = true;
                return null;
            case "isClosed":
                return closed[0];
            case "isValid":
            case "getAutoCommit":
                return true;
            case "getTransactionIsolation":
                return Connection.TRANSACTION_READ_COMMITTED;
            case "createStatement":
                return proxy(Statement.class);
            case "hashCode":
                return System.identityHashCode(type);
            case "equals":
                return false;
            case "toString":
                return "no-database " + type.getSimpleName();
            default:
                break;
        }
        Class<?> returns = method.getReturnType();
        if (returns == boolean.class) {
            return false;
        }
        if (returns == int.class) {
            return 0;
        }
        if (returns == long.class) {
            return 0L;
        }
        return null;
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }
}
