package io.cdcrunner.binlog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.state.StateStore;

/**
 * {@code source.recovery=snapshot} when what the daemon has not read yet is no longer in the server's binlogs
 * ({@link ResumeCheck.Purged}): sets the old state aside so the start re-reads the included tables.
 */
final class PurgedPositionRecovery {

    private static final Logger log = LoggerFactory.getLogger(PurgedPositionRecovery.class);

    private PurgedPositionRecovery() {
    }

    /** Moves the offsets and schema history aside (kept for inspection) so the next start begins afresh. */
    static void setStateAside(StateStore state, String purged) {
        String label = "purged-" + System.currentTimeMillis();
        state.setStateAside(label);
        log.warn("{} is no longer on the server; source.recovery=snapshot: re-reading the included tables (delivered "
                + "as inserts), then streaming. Old state kept in the {} as {}", purged, state.location(), label);
    }
}
