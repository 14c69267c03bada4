package io.cdcrunner.faults;

import io.cdcrunner.processor.ProcessorContext;

/**
 * {@link AuditingFamilyProcessor} whose {@code open} takes {@code processor.open.delay.ms} first, as a processor that
 * warms a cache or waits for a service would: an HA instance must keep its lease while it starts.
 */
public class SlowOpenProcessor extends AuditingFamilyProcessor {

    @Override
    public void open(ProcessorContext context) throws Exception {
        Thread.sleep(Long.parseLong(context.config().get("open.delay.ms", "0")));
        super.open(context);
    }
}
