package io.cdcrunner.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.cdcrunner.config.Redaction;

/**
 * {@code %msg} with every configured secret, and any {@code password=...}, masked ({@link Redaction}). The
 * daemon's {@code logback.xml} puts it in place of Logback's own: a processor's exception that echoes a JDBC URL
 * with its password is logged without it.
 */
public final class MaskedMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return Redaction.mask(super.convert(event));
    }
}
