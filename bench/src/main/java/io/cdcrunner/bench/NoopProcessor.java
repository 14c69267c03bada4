package io.cdcrunner.bench;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.EventProcessor;

/** Does nothing: what remains measured is the daemon itself (mapping, dispatch, lanes, offsets). */
public final class NoopProcessor implements EventProcessor {

    @Override
    public void process(ChangeEvent event) {
        // Intentionally empty.
    }
}
