package io.cdcrunner.visibility;

import java.util.List;
import java.util.function.Predicate;

import io.cdcrunner.processor.ServerFlavor;

/**
 * How {@link GtidWait} talks GTIDs with one server family: the statement that waits and reads what the server has
 * applied, the position to wait for, and which GTIDs an applied position shows.
 */
interface GtidDialect {

    /** The dialect of {@code flavor}; {@code commitsInOrder} matters on MySQL only (see {@link MySqlGtids}). */
    static GtidDialect of(ServerFlavor flavor, boolean commitsInOrder) {
        return flavor == ServerFlavor.MARIADB ? new MariaDbGtids() : new MySqlGtids(commitsInOrder);
    }

    /**
     * {@code SELECT wait(?, ?), applied}: the wait for a position (a string) within a timeout (seconds, decimal)
     * answering 0 when reached, and the server's applied position.
     */
    String waitAndAppliedSql();

    /** The position to wait for: what the events' GTIDs, and snapshot positions among them, need. */
    String target(List<String> gtids);

    /** Which event GTIDs the position {@code applied} shows (the server's own text, as it prints it). */
    Predicate<String> applied(String applied);

    /** One line on how it waits, for {@code status} and the start-up log. */
    String description();
}
