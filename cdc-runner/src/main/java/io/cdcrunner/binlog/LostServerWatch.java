package io.cdcrunner.binlog;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import javax.management.JMException;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.errors.Causes;
import io.cdcrunner.processor.ServerFlavor;

/**
 * With several servers in {@code source.host}: notices that the binlog connection has been lost for
 * {@code source.host.move.after.ms} and has the engine move on.
 *
 * <p>Why a watch: when the server dies the binlog reader does not fail; it tries to reconnect to that same server for
 * as long as the engine runs ({@code connect.keep.alive}), which suits a restart of the one server but never reaches
 * the promoted replica. The connection's state is the engine's own ({@code Connected} of its streaming MBean); only a
 * run that was connected once counts as lost (a start still reading its tables is not).
 */
final class LostServerWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LostServerWatch.class);
    private static final long TICK_MILLIS = 500;

    /** What the watch does when the connection stayed lost. */
    interface OnLost {
        /** Called on the watch's thread; returns once the engine moved on (or will not). */
        void lostFor(Duration down);
    }

    private final ObjectName streaming;
    private final Duration moveAfter;
    private final LongSupplier run;
    private final OnLost onLost;
    private final ScheduledExecutorService timer;
    private long watchedRun = -1;
    private boolean connectedOnce;
    private long downSince;

    /**
     * @param run which start of the engine this is ({@link ReadRuns}): a new start is watched afresh
     */
    LostServerWatch(ServerFlavor flavor, String pipeline, Duration moveAfter, LongSupplier run, OnLost onLost) {
        try {
            // pipeline.name allows only characters an ObjectName takes unquoted.
            this.streaming = new ObjectName("debezium." + flavor.name().toLowerCase(Locale.ROOT)
                    + ":type=connector-metrics,context=streaming,server=" + pipeline);
        } catch (JMException e) {
            throw new IllegalArgumentException("pipeline name " + pipeline + " makes no MBean name", e);
        }
        this.moveAfter = moveAfter;
        this.run = run;
        this.onLost = onLost;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cdc-source-watch-" + pipeline);
            t.setDaemon(true);
            return t;
        });
    }

    LostServerWatch start() {
        timer.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    private void tick() {
        try {
            long current = run.getAsLong();
            if (current != watchedRun) {
                watchedRun = current;
                connectedOnce = false;
                downSince = 0;
            }
            boolean connected = connected();
            long now = System.nanoTime();
            if (connected) {
                connectedOnce = true;
                downSince = 0;
                return;
            }
            if (!connectedOnce) {
                return;
            }
            if (downSince == 0) {
                downSince = now;
                return;
            }
            Duration down = Duration.ofNanos(now - downSince);
            if (down.compareTo(moveAfter) >= 0) {
                onLost.lostFor(down);
                downSince = 0;
                connectedOnce = false;
            }
        } catch (RuntimeException e) {
            log.warn("watching the binlog connection failed (will go on): {}", Causes.innermostMessage(e));
        }
    }

    private boolean connected() {
        try {
            return Boolean.TRUE.equals(ManagementFactory.getPlatformMBeanServer().getAttribute(streaming, "Connected"));
        } catch (JMException e) {
            return false;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
