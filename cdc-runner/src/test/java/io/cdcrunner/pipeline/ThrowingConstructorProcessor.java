package io.cdcrunner.pipeline;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.EventProcessor;

/** Test processor whose constructor fails, as one missing a resource it loads at construction would. */
public class ThrowingConstructorProcessor implements EventProcessor {

    public ThrowingConstructorProcessor() {
        throw new IllegalStateException("rules.yaml not found on the class path");
    }

    @Override
    public void process(ChangeEvent event) {
    }
}
