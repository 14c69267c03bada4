package io.cdcrunner.check;

import java.util.Objects;

/**
 * The outcome of one preflight check.
 *
 * @param name   short name, e.g. {@code binlog_format} or {@code table shop.orders}
 * @param status OK, WARN or FAIL
 * @param detail what was found, e.g. {@code STATEMENT}; never contains a secret
 * @param fix    what the user should do, or {@code null} when there is nothing to do
 */
public record CheckResult(String name, Status status, String detail, String fix) {

    /** How a check came out. Only {@link #FAIL} makes the report fail. */
    public enum Status {
        OK, WARN, FAIL,
        /** Not run, because a check it needs failed (the server could not be reached, say). */
        SKIP
    }

    public CheckResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
    }

    public static CheckResult ok(String name, String detail) {
        return new CheckResult(name, Status.OK, detail, null);
    }

    public static CheckResult warn(String name, String detail, String fix) {
        return new CheckResult(name, Status.WARN, detail, fix);
    }

    public static CheckResult fail(String name, String detail, String fix) {
        return new CheckResult(name, Status.FAIL, detail, fix);
    }

    public static CheckResult skipped(String name, String reason) {
        return new CheckResult(name, Status.SKIP, "skipped: " + reason, null);
    }

    public boolean failed() {
        return status == Status.FAIL;
    }
}
