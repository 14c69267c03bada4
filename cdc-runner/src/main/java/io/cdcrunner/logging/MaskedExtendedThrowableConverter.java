package io.cdcrunner.logging;

import ch.qos.logback.classic.pattern.ExtendedThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.cdcrunner.config.Redaction;

/** {@code %xEx}, the stack trace with packaging data, masked like {@link MaskedMessageConverter}. */
public final class MaskedExtendedThrowableConverter extends ExtendedThrowableProxyConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return Redaction.mask(super.convert(event));
    }
}
