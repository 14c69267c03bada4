package io.cdcrunner.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.cdcrunner.config.Redaction;

/** {@code %ex}, the stack trace with its messages, masked like {@link MaskedMessageConverter}. */
public final class MaskedThrowableConverter extends ThrowableProxyConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return Redaction.mask(super.convert(event));
    }
}
