package io.cdcrunner.pipeline;

import java.sql.SQLException;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.deadletter.DeadLetterStoreSink;
import io.cdcrunner.delivery.DeadLetterSink;
import io.cdcrunner.delivery.DeliveryCounters;
import io.cdcrunner.delivery.EventDelivery;
import io.cdcrunner.delivery.Lanes;
import io.cdcrunner.delivery.Ledger;
import io.cdcrunner.delivery.OrderingKey;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.delivery.RetryingDelivery;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.visibility.VisibilityMetrics;

/**
 * Everything between an event and the user's processor, built with plain constructors in one place: the processor
 * and its pool, the ledger, the dead-letter store, the read barrier and, for a running pipeline, the retrying lanes.
 * {@link #close} closes what was opened, in reverse order, once.
 */
public final class ProcessingStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProcessingStack.class);

    private final ProcessorHost processorHost;
    private final EventDelivery delivery;
    private final VisibilityWiring visibility;
    private final DeadLetterSink deadLetters;
    private final Lanes lanes;
    private boolean closed;

    private ProcessingStack(ProcessorHost processorHost, EventDelivery delivery, VisibilityWiring visibility,
                            DeadLetterSink deadLetters, Lanes lanes) {
        this.processorHost = processorHost;
        this.delivery = delivery;
        this.visibility = visibility;
        this.deadLetters = deadLetters;
        this.lanes = lanes;
    }

    /**
     * The stack of a running pipeline: events reach the processor through lanes, with retries, the read barrier of
     * {@code flavor}'s server, and the configured dead letters.
     *
     * @throws PipelineStartException naming what could not be opened; whatever was opened is closed again
     */
    static ProcessingStack forPipeline(RunnerConfig config, ServerFlavor flavor, VisibilityMetrics visibilityMetrics,
                                       DeliveryCounters counters, ProcessedListener listener, BooleanSupplier stopping) {
        ProcessorHost host = ProcessorHost.open(config);
        EventDelivery delivery = null;
        DeadLetterSink deadLetters = null;
        VisibilityWiring visibility = null;
        try {
            delivery = openDelivery(config, host);
            deadLetters = DeadLetterWiring.open(config);
            visibility = VisibilityWiring.open(config, flavor, visibilityMetrics);
            RetryingDelivery retrying = new RetryingDelivery(delivery, visibility.barrier(), config.delivery(),
                    deadLetters, counters, stopping);
            Lanes lanes = new Lanes(config.delivery().threads(), new OrderingKey(config.delivery().orderingColumn()),
                    retrying, listener, stopping, config.pipelineName());
            return new ProcessingStack(host, delivery, visibility, deadLetters, lanes);
        } catch (RuntimeException e) {
            new ProcessingStack(host, delivery, visibility, deadLetters, null).close();
            throw e;
        }
    }

    /**
     * The stack {@code dlq replay} uses: the processor, its ledger and the read barrier as {@code dlq replay} needs it
     * (no lanes, no dead-letter store of its own: the letters come from one).
     */
    public static ProcessingStack forReplay(RunnerConfig config) {
        ProcessorHost host = ProcessorHost.open(config);
        try {
            return new ProcessingStack(host, openDelivery(config, host), VisibilityWiring.forReplay(config), null, null);
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
    }

    private static EventDelivery openDelivery(RunnerConfig config, ProcessorHost host) {
        Ledger ledger = new Ledger(config.delivery().ledgerTable(), config.pipelineName());
        // Ids of the form earlier versions wrote name positions in one server's binlog: after a move to another
        // server the same position is another change, so they are no longer looked up.
        if (config.source().servers().moved()) {
            ledger.matchPositionIds(false);
        }
        config.source().servers().onMove(() -> {
            ledger.matchPositionIds(false);
            return false;
        });
        EventDelivery delivery = new EventDelivery(host.processor(), host.dataSource(), ledger,
                io.cdcrunner.jdbc.HaSessionLimit.of(config.ha()));
        try {
            delivery.open();
        } catch (SQLException e) {
            throw new PipelineStartException("cannot create the ledger table " + config.delivery().ledgerTable()
                    + " for " + config.processor().className() + ": " + e.getMessage()
                    + "; grant CREATE on it to the processor's user or set processor.ledger.table", e);
        }
        return delivery;
    }

    public EventDelivery delivery() {
        return delivery;
    }

    public io.cdcrunner.delivery.VisibilityBarrier barrier() {
        return visibility.barrier();
    }

    DeadLetterSink deadLetters() {
        return deadLetters;
    }

    Lanes lanes() {
        return lanes;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (lanes != null) {
            lanes.close();
        }
        if (deadLetters instanceof DeadLetterStoreSink sink) {
            sink.close();
        }
        if (visibility != null) {
            visibility.close();
        }
        try {
            processorHost.close();
        } catch (RuntimeException e) {
            log.warn("closing the processor failed: {}", e.getMessage());
        }
    }
}
