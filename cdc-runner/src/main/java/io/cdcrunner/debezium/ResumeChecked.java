package io.cdcrunner.debezium;

import io.debezium.function.LogPositionValidator;

/**
 * The engine's check of the recorded position, replaced: the daemon judges the position itself before every start of
 * the engine ({@code io.cdcrunner.binlog.ResumeCheck}), and stops or re-reads the tables when it is gone.
 *
 * <p>Why: after a failover the connector's own check refuses a MariaDB position that the new server holds. It
 * compares GTIDs per domain and server id ({@code MariaDbGtidSet.isContainedWithin}), and the server's
 * {@code gtid_binlog_pos} names only the last server of each domain: once the promoted replica wrote a transaction of
 * its own, the recorded {@code 0-1-170} looked absent from {@code 0-2-183}, and the engine stopped with "no longer
 * available on the server" although it would have resumed (its streaming start keeps the recorded GTID of each domain).
 */
final class ResumeChecked {

    /** Every recorded position passes: {@code ResumeCheck} already judged it, with what it means for the daemon. */
    static final LogPositionValidator VALIDATOR = (partition, offsetContext, config) -> true;

    private ResumeChecked() {
    }
}
