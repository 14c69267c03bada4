package io.cdcrunner.binlog.backfill;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.pipeline.notification.Notification;
import io.debezium.pipeline.notification.channels.NotificationChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The engine's notifications about incremental snapshots (started, each chunk, each table scanned, completed,
 * aborted), delivered to the {@link Backfills} of the pipeline whose engine sent them. The engine loads this channel
 * through {@link java.util.ServiceLoader} ({@code notification.enabled.channels=cdc-runner}); pipelines register by
 * their engine's logical name ({@code topic.prefix}, the pipeline name).
 */
public final class BackfillNotifications implements NotificationChannel {

    /** The channel's name in {@code notification.enabled.channels}. */
    public static final String CHANNEL = "cdc-runner";

    private static final Map<String, Consumer<Notification>> LISTENERS = new ConcurrentHashMap<>();

    private volatile String pipeline;

    static void register(String pipeline, Consumer<Notification> listener) {
        LISTENERS.put(pipeline, listener);
    }

    static void unregister(String pipeline, Consumer<Notification> listener) {
        LISTENERS.remove(pipeline, listener);
    }

    @Override
    public void init(CommonConnectorConfig config) {
        pipeline = config.getLogicalName();
    }

    @Override
    public String name() {
        return CHANNEL;
    }

    @Override
    public void send(Notification notification) {
        String name = pipeline;
        Consumer<Notification> listener = name == null ? null : LISTENERS.get(name);
        if (listener != null) {
            listener.accept(notification);
        }
    }

    @Override
    public void close() {
    }
}
