package io.cdcrunner.processor.builtin;

/**
 * What a delivering processor (CeleryTaskProcessor, HttpProcessor) reports in JMX, under
 * {@code cdc.runner:type=Processor,name=<pipeline.name>}. Counters count since the daemon started.
 */
public interface DeliveryFiguresMXBean {

    /** Where messages go, without credentials: {@code redis://db1:6379/0 queue celery}, {@code https://hooks/x}. */
    String getTarget();

    /** Messages (Celery tasks, HTTP requests) sent, including those sent again after a failure. */
    long getMessagesPublished();

    /** Messages the target confirmed: a RabbitMQ publisher confirm, a Redis reply, an HTTP 2xx. */
    long getMessagesConfirmed();

    /**
     * Messages the target refused for good: a RabbitMQ return or a channel closed for the message, a Redis error reply
     * such as {@code WRONGTYPE}, an HTTP 3xx or 4xx other than 408 and 429. Answers meaning "not now" count in
     * {@link #getTargetUnavailable()} instead.
     */
    long getMessagesRefused();

    /** Attempts that found the target down, unreachable or asking to be called later (retried without limit). */
    long getTargetUnavailable();

    /** Change events whose messages were all confirmed: with per-family tasks, more than the messages. */
    long getEventsDelivered();

    /** Mean time from sending a message to its confirmation, in milliseconds. */
    double getRoundTripMeanMillis();

    /** Longest time from sending a message to its confirmation, in milliseconds. */
    double getRoundTripMaxMillis();

    /** The last confirmed message's round trip, in milliseconds. */
    double getRoundTripLastMillis();
}
