package io.cdcrunner.processor.builtin;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counters behind {@link DeliveryFiguresMXBean}, registered in the platform MBean server for as long as the
 * processor is open. Thread-safe: the daemon's lanes update them at the same time.
 */
public final class DeliveryFigures implements DeliveryFiguresMXBean, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryFigures.class);

    private final String target;
    private final LongAdder published = new LongAdder();
    private final LongAdder confirmed = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder unavailable = new LongAdder();
    private final LongAdder events = new LongAdder();
    private final LongAdder roundTripNanos = new LongAdder();
    private final LongAccumulator maxRoundTripNanos = new LongAccumulator(Math::max, 0);
    private final AtomicLong lastRoundTripNanos = new AtomicLong();
    private ObjectName name;
    /** Which figures hold each name now, so closing older figures leaves newer ones registered. */
    private static final java.util.Map<ObjectName, DeliveryFigures> REGISTERED = new java.util.HashMap<>();

    DeliveryFigures(String target) {
        this.target = target;
    }

    /**
     * Figures for {@code target}, registered as {@code cdc.runner:type=Processor,name=<pipeline>}; a registration
     * that fails (another MBean of that name) is logged and the figures are kept in memory only.
     */
    static DeliveryFigures register(String pipelineName, String target) {
        DeliveryFigures figures = new DeliveryFigures(target);
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = objectName(pipelineName);
            synchronized (REGISTERED) {
                if (server.isRegistered(name)) {
                    server.unregisterMBean(name);
                }
                server.registerMBean(figures, name);
                REGISTERED.put(name, figures);
            }
            figures.name = name;
        } catch (JMException e) {
            log.warn("the processor's figures are not in JMX: {}", e.getMessage());
        }
        return figures;
    }

    /**
     * The exact name the figures of pipeline {@code pipelineName} are registered under:
     * {@code cdc.runner:type=Processor,name=<pipeline.name>}, for a reader in the same JVM
     * ({@code JMX.newMXBeanProxy(server, objectName("demo"), DeliveryFiguresMXBean.class)}).
     */
    public static ObjectName objectName(String pipelineName) {
        // Named as the pipeline's own MBean is, so a scrape joins the two on one pipeline label.
        boolean plain = pipelineName.matches("[A-Za-z0-9_.\\-]+");
        try {
            return new ObjectName("cdc.runner:type=Processor,name="
                    + (plain ? pipelineName : ObjectName.quote(pipelineName)));
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not usable in a JMX name: " + pipelineName, e);
        }
    }

    void published(int messages) {
        published.add(messages);
    }

    /** {@code messages} confirmed, the last after {@code roundTripNanos} from its sending. */
    void confirmed(int messages, long roundTripNanos) {
        confirmed.add(messages);
        this.roundTripNanos.add(roundTripNanos * messages);
        maxRoundTripNanos.accumulate(roundTripNanos);
        lastRoundTripNanos.set(roundTripNanos);
    }

    void refused(int messages) {
        refused.add(messages);
    }

    void unavailable() {
        unavailable.increment();
    }

    void delivered(int changeEvents) {
        events.add(changeEvents);
    }

    @Override
    public String getTarget() {
        return target;
    }

    @Override
    public long getMessagesPublished() {
        return published.sum();
    }

    @Override
    public long getMessagesConfirmed() {
        return confirmed.sum();
    }

    @Override
    public long getMessagesRefused() {
        return refused.sum();
    }

    @Override
    public long getTargetUnavailable() {
        return unavailable.sum();
    }

    @Override
    public long getEventsDelivered() {
        return events.sum();
    }

    @Override
    public double getRoundTripMeanMillis() {
        long count = confirmed.sum();
        return count == 0 ? 0 : roundTripNanos.sum() / 1e6 / count;
    }

    @Override
    public double getRoundTripMaxMillis() {
        return maxRoundTripNanos.get() / 1e6;
    }

    @Override
    public double getRoundTripLastMillis() {
        return lastRoundTripNanos.get() / 1e6;
    }

    @Override
    public void close() {
        if (name == null) {
            return;
        }
        synchronized (REGISTERED) {
            // Figures registered since under the same name (a processor opened again before this one closed) stay.
            if (REGISTERED.remove(name, this)) {
                try {
                    ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
                } catch (JMException e) {
                    log.debug("unregistering {}: {}", name, e.getMessage());
                }
            }
        }
        name = null;
    }
}
