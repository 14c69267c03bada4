package io.cdcrunner.processor.builtin;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.GroupProcessor;
import io.cdcrunner.processor.NonRetryableException;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.ProcessorContext;
import io.cdcrunner.processor.Row;
import io.cdcrunner.processor.TargetUnavailableException;

/**
 * Runs a Celery task because the database committed a row: publishes a real Celery task message (message protocol
 * 2, JSON body) to Redis or RabbitMQ, which a stock Celery 5 worker runs unchanged. The reader a Python service
 * already has ({@code read_it(customer_id)}) becomes the task, and stops polling: it is queued once the row is
 * committed, and, with {@code processor.read.url} set to the replica the task reads, once the replica shows it.
 *
 * <h2>Configuration</h2>
 * <ul>
 *   <li>{@code processor.celery.broker.url}: {@code redis://[:PASSWORD@]HOST[:PORT][/DB]}, {@code rediss://} (TLS),
 *       {@code amqp://USER:PASSWORD@HOST[:PORT]/VHOST} or {@code amqps://} (TLS), as Celery's {@code broker_url}.
 *       Its password is a secret: masked in every log line, status and dead letter. Required.</li>
 *   <li>{@code processor.celery.task}: the task's registered name, e.g. {@code shop.tasks.read_it}. Required.</li>
 *   <li>{@code processor.celery.queue}: the queue the worker consumes (its {@code -Q}). Default {@code celery}.</li>
 *   <li>{@code processor.celery.args}: what the task receives.
 *     <ul>
 *       <li>{@code family} (default): one task per family per batch, {@code task(family_value, event_ids=[...],
 *           keys=[...], operations=[...], table="db.t", **extra)}, the family being the value of
 *           {@code processor.ordering.column} (required then): however many of a family's rows a batch holds, the
 *           task runs once for them. An update that moves a row to another family queues a task for each.</li>
 *       <li>{@code row}: one task per event, {@code task(row, operation="INSERT", table="db.t", key={...},
 *           event_id="...", **extra)} with the row as it is now (the deleted row for a delete).</li>
 *     </ul>
 *     Values are as {@link ChangeEventJson} writes them (DECIMAL as a string, dates ISO-8601, bytes base64).</li>
 *   <li>{@code processor.celery.kwargs.NAME=VALUE}: extra keyword arguments, passed as strings.</li>
 *   <li>{@code processor.celery.tls.truststore} and {@code .password}: the CA to trust for {@code rediss://} and
 *       {@code amqps://} (PKCS12 or JKS); default the JVM's. The broker's host name is verified.</li>
 *   <li>{@code processor.celery.connect.timeout.ms} (default 5000) and {@code processor.celery.confirm.timeout.ms}
 *       (default 10000): how long to wait for a connection and for the broker's confirmation.</li>
 * </ul>
 *
 * <h2>Delivery</h2>
 * A group returns only once the broker confirmed every message of it (a RabbitMQ publisher confirm; the Redis
 * reply to {@code LPUSH}); only then may the daemon record the binlog position past its events, and only then does
 * the next batch's group of the same family start, so a family's task for batch n is queued before batch n+1's.
 * A broker that is down, does not answer or says "not now" (Redis's LOADING or OOM, a RabbitMQ nack or resource
 * alarm) is a {@link TargetUnavailableException}: retried without limit, like a lost database. A message the broker
 * refuses (an error reply such as WRONGTYPE, a return) is retried and then dead-lettered like any failure. A row without the family column, with {@code args=family}, is dead-lettered at once, naming the
 * column. A row whose family column is NULL belongs to no family: no task. Table events ({@code TRUNCATE},
 * {@code DROP}) name no family or row: no task, a warning in the log.
 *
 * <p>Delivery is at least once: after a crash the daemon publishes the events since its last recorded position again.
 * The task id is a UUID named by the task, the family and the event ids the task covers, so a message published again
 * for the same events carries the same id ({@code self.request.id}), and a task can skip an id it has already run
 * (see the README). The batches after a restart may be cut differently, so a family's events may also come again
 * in a task of another id: a task that recomputes the family from the database stays right either way; one that
 * counts events should skip by {@code event_ids}.
 *
 * <p>On RabbitMQ the queue is declared (durable, no arguments, as Celery declares its default queue) when it does not
 * exist yet, so messages published before the first worker starts wait in it. A queue with arguments (a priority
 * queue, a quorum queue) must exist before the daemon publishes: declare it, or start the worker first.
 *
 * <p>JMX: {@code cdc.runner:type=Processor,name=<pipeline>} ({@link DeliveryFiguresMXBean}). Thread-safe.
 */
public final class CeleryTaskProcessor implements GroupProcessor {

    private static final Logger log = LoggerFactory.getLogger(CeleryTaskProcessor.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String PREFIX = "celery.";

    /** What a task receives. */
    enum Args { FAMILY, ROW }

    /** The keyword arguments the processor sets, in one mode or the other: not for processor.celery.kwargs.*. */
    static final List<String> RESERVED_KWARGS = List.of("event_ids", "keys", "operations", "table", "operation", "key",
            "event_id");

    private String task;
    private Args args;
    private String familyColumn;
    private Map<String, String> extraKwargs;
    private CeleryBroker broker;
    private DeliveryFigures figures;

    /** Created by the daemon, configured in {@link #open}. */
    public CeleryTaskProcessor() {
    }

    @Override
    public void open(ProcessorContext context) {
        ProcessorConfig config = context.config();
        List<String> problems = new ArrayList<>();
        URI url = brokerUrl(config, problems);
        task = config.find(PREFIX + "task").orElse(null);
        if (task == null) {
            problems.add("missing required key processor.celery.task: set it to the task's registered name, e.g. "
                    + "shop.tasks.read_it");
        }
        String queue = config.get(PREFIX + "queue", "celery");
        String argsValue = config.get(PREFIX + "args", "family").toLowerCase(Locale.ROOT);
        switch (argsValue) {
            case "family" -> args = Args.FAMILY;
            case "row" -> args = Args.ROW;
            default -> problems.add("processor.celery.args=" + argsValue + " is not family or row");
        }
        Optional<String> ordering = context.orderingColumn();
        if (args == Args.FAMILY && ordering.isEmpty()) {
            problems.add("processor.celery.args=family needs processor.ordering.column naming the family column "
                    + "(e.g. customer_id), or set processor.celery.args=row for one task per row");
        }
        familyColumn = ordering.orElse(null);
        extraKwargs = new TreeMap<>();
        for (String key : config.keys()) {
            if (key.startsWith(PREFIX + "kwargs.")) {
                String name = key.substring((PREFIX + "kwargs.").length());
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    problems.add("processor." + key + ": '" + name + "' is not a Python keyword argument name");
                } else if (RESERVED_KWARGS.contains(name)) {
                    problems.add("processor." + key + ": '" + name + "' is a keyword argument the processor sets "
                            + "itself (" + String.join(", ", RESERVED_KWARGS) + "); choose another name");
                }
                config.find(key).ifPresent(value -> extraKwargs.put(name, value));
            }
        }
        int connectTimeout = atLeastOne(problems, config, PREFIX + "connect.timeout.ms", 5000);
        int confirmTimeout = atLeastOne(problems, config, PREFIX + "confirm.timeout.ms", 10000);
        CeleryBroker.TlsSettings tls = new CeleryBroker.TlsSettings(TlsTrust.from(config, "celery", problems)
                .orElse(null));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        broker = CeleryBroker.of(url, queue, tls, connectTimeout, confirmTimeout);
        try {
            broker.connect();
        } catch (TargetUnavailableException e) {
            log.warn("{}; tasks are published once it is reachable", e.getMessage());
        } catch (RuntimeException e) {
            // The daemon does not close a processor whose open failed: the connection goes now.
            broker.close();
            broker = null;
            throw e;
        }
        figures = DeliveryFigures.register(context.pipelineName(), broker.describe());
        log.info("publishing Celery task {} to {}, {}", task, broker.describe(), args == Args.FAMILY
                ? "one per family (" + familyColumn + ") per batch" : "one per row");
    }

    /** A timeout in milliseconds: 0 would mean waiting forever for a broker that does not answer. */
    private static int atLeastOne(List<String> problems, ProcessorConfig config, String key, int defaultValue) {
        try {
            int value = config.getInt(key, defaultValue);
            if (value >= 1) {
                return value;
            }
            problems.add("processor." + key + "=" + value + " must be at least 1 (milliseconds)");
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage() + " (milliseconds)");
        }
        return defaultValue;
    }

    private static URI brokerUrl(ProcessorConfig config, List<String> problems) {
        Optional<String> value = config.find(PREFIX + "broker.url");
        if (value.isEmpty()) {
            problems.add("missing required key processor.celery.broker.url: set it to the broker Celery uses, e.g. "
                    + "redis://localhost:6379/0 or amqp://USER:PASSWORD@localhost:5672//");
            return null;
        }
        try {
            URI url = new URI(value.get());
            if (url.getHost() == null) {
                throw new URISyntaxException(value.get(), "no host");
            }
            return url;
        } catch (URISyntaxException e) {
            // The value may hold a password: name the problem, not the value.
            problems.add("processor.celery.broker.url is not a URL with a host (" + e.getReason() + "): write it as "
                    + "redis://[:PASSWORD@]HOST[:PORT][/DB] or amqp://USER:PASSWORD@HOST[:PORT]/VHOST");
            return null;
        }
    }

    @Override
    public void processGroup(List<ChangeEvent> events) {
        List<CeleryMessage> messages = messages(events);
        if (messages.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        figures.published(messages.size());
        try {
            broker.publish(messages);
        } catch (TargetUnavailableException e) {
            figures.unavailable();
            throw e;
        } catch (CeleryBroker.Refused e) {
            figures.refused(messages.size());
            throw e;
        }
        figures.confirmed(messages.size(), System.nanoTime() - start);
        figures.delivered(events.size());
    }

    /** The task messages for a group's events, in the order they are published. */
    List<CeleryMessage> messages(List<ChangeEvent> events) {
        return args == Args.FAMILY ? familyTasks(events) : rowTasks(events);
    }

    /** One task per family the events touch, in the order they first touch it. */
    private List<CeleryMessage> familyTasks(List<ChangeEvent> events) {
        Map<String, FamilyTask> families = new LinkedHashMap<>();
        for (ChangeEvent event : events) {
            if (!event.operation().isRowChange()) {
                log.warn("{} {}: a table event names no family; no Celery task is published for it",
                        event.operation(), event.qualifiedTable());
                continue;
            }
            for (Row row : List.of(event.before(), event.after())) {
                if (row.isEmpty()) {
                    continue;
                }
                if (!row.has(familyColumn)) {
                    throw new NonRetryableException("a row of " + event.qualifiedTable() + " has no column "
                            + familyColumn + " (processor.ordering.column), so it names no family: capture only "
                            + "tables that have it (source.tables), or set processor.celery.args=row");
                }
                Object family = row.get(familyColumn);
                if (family == null) {
                    continue;
                }
                JsonNode value = ChangeEventJson.value(family);
                families.computeIfAbsent(event.qualifiedTable() + '\u0000' + value, k -> new FamilyTask(value,
                        event.qualifiedTable())).add(event);
            }
        }
        List<CeleryMessage> messages = new ArrayList<>(families.size());
        for (FamilyTask family : families.values()) {
            ArrayNode positional = NODES.arrayNode().add(family.value);
            ObjectNode kwargs = NODES.objectNode();
            ArrayNode ids = kwargs.putArray("event_ids");
            ArrayNode keys = kwargs.putArray("keys");
            ArrayNode operations = kwargs.putArray("operations");
            for (ChangeEvent event : family.events) {
                ids.add(event.eventId());
                keys.add(ChangeEventJson.rowTree(event.key()));
                operations.add(event.operation().name());
            }
            kwargs.put("table", family.table);
            extraKwargs.forEach(kwargs::put);
            List<String> eventIds = family.events.stream().map(ChangeEvent::eventId).toList();
            messages.add(new CeleryMessage(CeleryMessage.taskId(task, family.table + ':' + family.value, eventIds), task,
                    positional, kwargs, eventIds.size()));
        }
        return messages;
    }

    private List<CeleryMessage> rowTasks(List<ChangeEvent> events) {
        List<CeleryMessage> messages = new ArrayList<>(events.size());
        for (ChangeEvent event : events) {
            if (!event.operation().isRowChange()) {
                log.warn("{} {}: a table event has no row; no Celery task is published for it",
                        event.operation(), event.qualifiedTable());
                continue;
            }
            ArrayNode positional = NODES.arrayNode().add(ChangeEventJson.rowTree(event.row()));
            ObjectNode kwargs = NODES.objectNode();
            kwargs.put("operation", event.operation().name());
            kwargs.put("table", event.qualifiedTable());
            kwargs.set("key", ChangeEventJson.rowTree(event.key()));
            kwargs.put("event_id", event.eventId());
            extraKwargs.forEach(kwargs::put);
            messages.add(new CeleryMessage(CeleryMessage.taskId(task, "", List.of(event.eventId())), task, positional,
                    kwargs, 1));
        }
        return messages;
    }

    /** The {@code origin} header: which process published the task, as Celery names its own. */
    static String origin() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return "cdc-runner-" + ProcessHandle.current().pid() + "@" + host;
    }

    @Override
    public void close() {
        if (figures != null) {
            figures.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** The events of one family of a group. */
    private static final class FamilyTask {
        final JsonNode value;
        final String table;
        final List<ChangeEvent> events = new ArrayList<>();

        FamilyTask(JsonNode value, String table) {
            this.value = value;
            this.table = table;
        }

        void add(ChangeEvent event) {
            if (events.isEmpty() || events.get(events.size() - 1) != event) {
                events.add(event);
            }
        }
    }
}
