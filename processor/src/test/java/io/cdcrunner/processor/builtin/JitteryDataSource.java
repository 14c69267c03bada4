package io.cdcrunner.processor.builtin;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * Fault injection for concurrency tests: pauses before every statement execution and commit (usually under
 * 1 ms, sometimes 10-20 ms) so that other lanes commit in between. Widens the window of any read-then-write
 * race in the code under test.
 */
final class JitteryDataSource implements DataSource {

    private final DataSource delegate;

    JitteryDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(Connection.class, delegate.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return wrap(Connection.class, delegate.getConnection(user, password));
    }

    private static <T> T wrap(Class<T> type, T target) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().startsWith("execute") || method.getName().equals("commit")) {
                pause();
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof Statement statement && method.getReturnType().isInterface()) {
                @SuppressWarnings("unchecked")
                Class<Statement> returned = (Class<Statement>) method.getReturnType();
                return wrap(returned, statement);
            }
            return result;
        };
        return type.cast(Proxy.newProxyInstance(JitteryDataSource.class.getClassLoader(), new Class<?>[] {type},
                handler));
    }

    /** Mostly a short pause; one time in five a long one, so one lane stalls while others race past it. */
    private static void pause() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long micros = random.nextInt(5) == 0 ? 10_000 + random.nextInt(10_000) : random.nextInt(1_000);
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(micros));
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return delegate.isWrapperFor(iface);
    }
}
