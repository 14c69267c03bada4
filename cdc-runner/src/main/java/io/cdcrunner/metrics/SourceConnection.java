package io.cdcrunner.metrics;

import java.util.Optional;

import io.cdcrunner.core.PipelineState;

/**
 * How long the source has been out of reach while the pipeline should read it, sampled once a second: from what the
 * source says itself (no engine runs between a lost connection and the next start, in any phase; a Kafka consumer
 * without brokers; a standby without its state server), else from the binlog engine's own {@code Connected}
 * attribute while streaming (a missing engine MBean counts as down). Meanwhile the engine keeps trying and the
 * pipeline's state does not change; health checks need this to see it.
 */
final class SourceConnection {

    private static final long UP = -1;

    private volatile long downSince = UP;

    /**
     * @param sourceSays what the source itself says (no engine runs, a Kafka consumer without brokers), whatever the
     *                   phase; empty when it leaves it to the engine
     * @param engineSays the binlog engine's {@code Connected}, meaningful while streaming; empty when its MBean is
     *                   not there
     */
    void observe(long nowMillis, Optional<Boolean> sourceSays, Optional<Boolean> engineSays, PipelineState state) {
        // A standby says it too: it cannot take over without its state server.
        boolean working = state == PipelineState.STREAMING || state == PipelineState.SNAPSHOTTING
                || state == PipelineState.STANDBY;
        boolean down = sourceSays.isPresent() ? working && !sourceSays.get()
                : state == PipelineState.STREAMING && !engineSays.orElse(false);
        if (!down) {
            downSince = UP;
        } else if (downSince == UP) {
            downSince = nowMillis;
        }
    }

    /** How long it has been down; 0 when up. */
    long downForMillis(long nowMillis) {
        long since = downSince;
        return since == UP ? 0 : Math.max(0, nowMillis - since);
    }
}
