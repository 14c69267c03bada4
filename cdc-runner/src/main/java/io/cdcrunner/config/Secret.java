package io.cdcrunner.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret configuration value, such as a password. Its {@link #toString()} is {@value #MASK}, so it can sit
 * in records, log lines and exception messages without leaking; only {@link #reveal()} gives the value.
 */
public final class Secret {

    /** What a secret is shown as, everywhere. */
    public static final String MASK = "******";

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The secret value itself: pass it straight to the driver, never to a logger. */
    public String reveal() {
        return value;
    }

    /** Whether the secret is the empty string (e.g. a database user without a password). */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        // Constant-time comparison: equality checks must not leak how much of a secret matched.
        return other instanceof Secret secret && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), secret.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        // A constant keeps hash-based collections correct without deriving anything from the value.
        return 0;
    }

    @Override
    public String toString() {
        return MASK;
    }
}
