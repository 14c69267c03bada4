package io.cdcrunner.debezium;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.function.LogPositionValidator;

/**
 * The engine's check of the recorded position, replaced in the embedded engine: the daemon judges the position itself
 * before every start of the engine ({@code io.cdcrunner.binlog.ResumeCheck}), and stops or re-reads the tables when it
 * is gone. A connector in a Kafka Connect worker keeps Debezium's check.
 *
 * <p>Why: after a failover the connector's own check refuses a MariaDB position that the new server holds. It
 * compares GTIDs per domain and server id ({@code MariaDbGtidSet.isContainedWithin}), and the server's
 * {@code gtid_binlog_pos} names only the last server of each domain: once the promoted replica wrote a transaction of
 * its own, the recorded {@code 0-1-170} looked absent from {@code 0-2-183}, and the engine stopped with "no longer
 * available on the server" although it would have resumed (its streaming start keeps the recorded GTID of each domain).
 */
final class ResumeChecked {

    /**
     * The connector property the embedded engine's configuration sets ({@code Connectors.RESUME_CHECKED}); a Connect
     * worker's connector lacks it and keeps Debezium's own check, since no daemon checks before its task starts.
     */
    static final String PROPERTY = "cdcrunner_resume.checked";

    private ResumeChecked() {
    }

    /**
     * The validator the task passes on: every recorded position passes when the daemon judged it already
     * ({@code ResumeCheck}, with what it means for the daemon), else Debezium's.
     */
    static LogPositionValidator validator(CommonConnectorConfig config, LogPositionValidator debeziums) {
        return config.getConfig().getBoolean(PROPERTY, false) ? (partition, offsetContext, c) -> true : debeziums;
    }
}
