package io.cdcrunner.pipeline;

import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.config.StateSettings;
import io.cdcrunner.core.EventSource;
import io.cdcrunner.core.PipelineCounters;
import io.cdcrunner.core.PipelineStartException;
import io.cdcrunner.deadletter.DeadLetterStoreSink;
import io.cdcrunner.delivery.PauseGate;
import io.cdcrunner.delivery.ProcessedListener;
import io.cdcrunner.metrics.PipelineMonitoring;
import io.cdcrunner.jdbc.HaSessionLimit;
import io.cdcrunner.state.JdbcStateStore;
import io.cdcrunner.state.StateDirectory;
import io.cdcrunner.state.StateStore;
import io.cdcrunner.visibility.VisibilityMetrics;

/**
 * The one place a term's object graph is built, in the order its parts need each other, with plain constructors: the
 * state store {@code state.store} names, the source (a new one per term, prepared against its server: that gives the
 * server's flavor), the {@link ProcessingStack} for that flavor (processor, ledger, dead letters, read barrier,
 * lanes), the {@link EventDispatcher} the source's batches go through, then the source started and the
 * {@link PipelineHousekeeping}. Each term counts its own events; what lives across terms (monitoring, the read
 * barrier's figures, the pause gate) is the pipeline's and
 * given here once.
 */
final class TermAssembly {

    private static final Logger log = LoggerFactory.getLogger(TermAssembly.class);

    private final RunnerConfig config;
    private final Supplier<EventSource> sources;
    private final ProcessedListener listener;
    private final VisibilityMetrics visibility;
    private final PauseGate pauseGate;
    private final PipelineMonitoring monitoring;

    TermAssembly(RunnerConfig config, Supplier<EventSource> sources, ProcessedListener listener,
                 PipelineReadout readout, PipelineMonitoring monitoring) {
        this.config = config;
        this.sources = sources;
        this.listener = listener;
        this.visibility = readout.visibility;
        this.pauseGate = readout.pauseGate;
        this.monitoring = monitoring;
    }

    Term newTerm(Pipeline lifecycle, BooleanSupplier steppingDown) {
        return new Term(config.pipelineName(), sources.get(), lifecycle, new PipelineCounters(), steppingDown);
    }

    /** Prepares the source (waiting while its server is unreachable), opening the state store if it asks. */
    void prepare(Term term) {
        term.prepared(term.source.prepare(() -> {
            StateStore state = openState();
            term.opened(state);
            return state;
        }));
    }

    /**
     * Opens the processing stack (the processor and its keys are checked before the source records anything), starts
     * the source, then the housekeeping. Holds the term's lock: a close waits until the source started.
     */
    void start(Term term, BooleanSupplier stopping, Runnable onSnapshot,
               Runnable onStream) {
        synchronized (term) {
            if (stopping.getAsBoolean()) {
                throw new PipelineStartException("stopped during start-up");
            }
            PipelineCounters counters = term.counters();
            ProcessingStack processing = ProcessingStack.forPipeline(config, term.flavor(), visibility,
                    counters.delivery(), monitoring.listener(listener), stopping);
            if (processing.deadLetters() instanceof DeadLetterStoreSink sink) {
                sink.recordOrigins(term.source::origin);
            }
            EventDispatcher dispatcher = new EventDispatcher(processing.lanes(), new UnmappableRecords(
                    config.pipelineName(), processing.deadLetters(), counters.delivery(), Clock.systemUTC()), counters,
                    pauseGate, monitoring.lag(), stopping, onSnapshot, onStream);
            term.wired(processing, dispatcher);
            log.info("pipeline '{}' starting: processor {}, {} lane(s)", config.pipelineName(),
                    config.processor().className(), config.delivery().threads());
            term.source.start(term);
            PipelineHousekeeping housekeeping = new PipelineHousekeeping(config.pipelineName(), counters,
                    processing.delivery(), term.source::recordedPosition, term.source.ledgerRetention());
            term.started(housekeeping);
            housekeeping.start();
        }
    }

    /** The state store {@code state.store} names: the state directory, or the shared tables. */
    private StateStore openState() {
        if (config.state().store() == StateSettings.Store.JDBC) {
            try {
                return JdbcStateStore.open(config.pipelineName(), config.state(), HaSessionLimit.of(config.ha()));
            } catch (IllegalStateException e) {
                throw new PipelineStartException(e.getMessage(), e);
            }
        }
        return new StateDirectory(config.stateDir()).create();
    }
}
