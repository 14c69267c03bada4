package io.cdcrunner.metrics;

import java.util.Optional;

import io.cdcrunner.core.PipelineState;

/**
 * How long the binlog connection has been down while the pipeline should be streaming, sampled once a second from
 * the engine's own {@code Connected} attribute. A missing engine (restarting after a lost connection) counts as
 * down too. While it is down the engine keeps trying to reconnect and the pipeline's state stays {@code STREAMING};
 * health checks need this to see it.
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
        boolean working = state == PipelineState.STREAMING || state == PipelineState.SNAPSHOTTING;
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
