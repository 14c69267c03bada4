package io.cdcrunner.localdb;

/** The two servers the dev kit starts: each test suite that matters runs on both. */
public enum Flavor {
    MARIADB("MariaDB"),
    MYSQL("MySQL");

    private final String displayName;

    Flavor(String displayName) {
        this.displayName = displayName;
    }

    /** A builder for a throwaway server of this flavor. */
    public LocalServer.Builder<? extends LocalServer> builder() {
        return this == MARIADB ? LocalMariaDb.builder() : LocalMySql.builder();
    }

    /** True when this machine can start a server of this flavor. */
    public boolean isAvailable() {
        return this == MARIADB ? LocalMariaDb.isAvailable() : LocalMySql.isAvailable();
    }

    /**
     * The flavor named by {@code name} ({@code mariadb} or {@code mysql}, any case).
     *
     * @throws IllegalArgumentException naming the two choices
     */
    public static Flavor of(String name) {
        for (Flavor flavor : values()) {
            if (flavor.name().equalsIgnoreCase(name.trim())) {
                return flavor;
            }
        }
        throw new IllegalArgumentException("unknown database '" + name + "': use mariadb or mysql");
    }

    @Override
    public String toString() {
        return displayName;
    }
}
