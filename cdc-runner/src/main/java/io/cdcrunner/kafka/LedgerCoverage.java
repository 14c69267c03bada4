package io.cdcrunner.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;

import io.cdcrunner.check.CheckResult;
import io.cdcrunner.config.KafkaSettings;

/**
 * Whether a {@link io.cdcrunner.processor.TransactionalProcessor}'s ledger remembers every event the change topics
 * still hold. A consumer group without committed offsets (a new {@code kafka.group.id}, or offsets the broker expired
 * after every member was down longer than its {@code offsets.retention.minutes}) reads each topic from its start
 * ({@code auto.offset.reset=earliest}); the ledger applies those events once only while it keeps their ids, which is
 * {@code kafka.ledger.retention.ms}. {@code check} fails a topic that keeps records longer; {@code run} warns.
 */
public final class LedgerCoverage {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final String NAME = "ledger retention";

    /** How long a topic keeps records: {@code retention.ms}, -1 for ever (also a compacted topic). */
    public record TopicRetention(String topic, long retentionMs) {

        boolean forever() {
            return retentionMs < 0;
        }
    }

    private LedgerCoverage() {
    }

    /**
     * {@code check}'s verdict for a pipeline whose processor keeps a ledger: FAIL when a change topic keeps records
     * longer than the ledger keeps ids; skipped while no change topic exists.
     */
    public static CheckResult check(KafkaSettings kafka) {
        try (Admin admin = Admin.create(adminProperties(kafka))) {
            List<String> topics = consumedTopics(admin, kafka);
            if (topics.isEmpty()) {
                return CheckResult.skipped(NAME, "no change topic exists yet (the connector creates a table's topic"
                        + " with its first change): run check again then to compare their retention with the ledger's");
            }
            List<TopicRetention> retentions = retentions(admin, topics);
            List<TopicRetention> uncovered = uncovered(kafka.ledgerRetention(), retentions);
            if (uncovered.isEmpty()) {
                long longest = retentions.stream().mapToLong(TopicRetention::retentionMs).max().orElse(0);
                return CheckResult.ok(NAME, "the ledger keeps event ids " + readable(kafka.ledgerRetention().toMillis())
                        + ", at least as long as the " + topics.size() + " change topic(s) keep records (longest "
                        + readable(longest) + ")");
            }
            return CheckResult.fail(NAME, problem(kafka.ledgerRetention(), uncovered), fix(uncovered));
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return CheckResult.fail(NAME, "cannot read the change topics' retention from " + kafka.bootstrapServers()
                    + ": " + reason(cause), "check kafka.bootstrap.servers and the kafka.client.* security settings; the"
                    + " consumer's user needs DESCRIBE_CONFIGS on the change topics");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.fail(NAME, "interrupted while reading the change topics' retention", "run check again");
        }
    }

    /** Admin client properties: the brokers, and the {@code kafka.client.*} settings an admin client knows. */
    public static Map<String, Object> adminProperties(KafkaSettings kafka) {
        Map<String, Object> properties = new HashMap<>();
        kafka.client().forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                properties.put(key, value);
            }
        });
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return properties;
    }

    /** The existing topics the pipeline consumes: {@code kafka.topics}, else those its pattern matches. */
    public static List<String> consumedTopics(Admin admin, KafkaSettings kafka)
            throws ExecutionException, InterruptedException, TimeoutException {
        Collection<String> existing = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!kafka.topics().isEmpty()) {
            return kafka.topics().stream().filter(existing::contains).sorted().toList();
        }
        Pattern pattern = Pattern.compile(kafka.topicPattern());
        return existing.stream().filter(topic -> pattern.matcher(topic).matches()).sorted().toList();
    }

    /** Each topic's effective retention (its own setting, else the broker's default). */
    public static List<TopicRetention> retentions(Admin admin, Collection<String> topics)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<ConfigResource> resources = topics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        List<TopicRetention> retentions = new ArrayList<>();
        for (ConfigResource resource : resources) {
            Config config = configs.get(resource);
            String policy = config.get("cleanup.policy") == null ? "delete" : config.get("cleanup.policy").value();
            long retention = Long.parseLong(config.get("retention.ms").value());
            // A compacted topic keeps each key's last record for ever.
            retentions.add(new TopicRetention(resource.name(), policy.contains("delete") ? retention : -1));
        }
        return retentions;
    }

    /** The topics that keep records longer than the ledger keeps event ids. */
    public static List<TopicRetention> uncovered(Duration ledgerRetention, List<TopicRetention> topics) {
        return topics.stream().filter(t -> t.forever() || t.retentionMs() > ledgerRetention.toMillis()).toList();
    }

    /** What can happen, with the numbers. */
    public static String problem(Duration ledgerRetention, List<TopicRetention> uncovered) {
        StringBuilder topics = new StringBuilder();
        for (TopicRetention t : uncovered) {
            topics.append(topics.isEmpty() ? "" : ", ").append(t.topic()).append(" keeps records ")
                    .append(t.forever() ? "for ever" : readable(t.retentionMs()) + " (retention.ms=" + t.retentionMs()
                            + ")");
        }
        return topics + ", but the ledger keeps event ids " + readable(ledgerRetention.toMillis())
                + " (kafka.ledger.retention.ms=" + ledgerRetention.toMillis() + "): a group that loses its committed"
                + " offsets reads the topics from the start, and applies again the events older than "
                + readable(ledgerRetention.toMillis());
    }

    /** What to change. */
    public static String fix(List<TopicRetention> uncovered) {
        long longest = uncovered.stream().mapToLong(TopicRetention::retentionMs).max().orElse(0);
        boolean forever = uncovered.stream().anyMatch(TopicRetention::forever);
        return forever
                ? "set retention.ms on the topics kept for ever (kafka-configs.sh --alter --entity-type topics"
                        + " --add-config retention.ms=...), then kafka.ledger.retention.ms to at least that"
                : "set kafka.ledger.retention.ms=" + longest + " (or more), or lower the topics' retention.ms to at"
                        + " most kafka.ledger.retention.ms (records then leave Kafka sooner: a group down longer"
                        + " loses them)";
    }

    /** {@code 7 d}, {@code 36 h}, {@code 90 min}, {@code 500 ms}: the largest unit that divides the value. */
    /** What a failure to ask the brokers says, for a user: its message, masked; no class names. */
    static String reason(Throwable cause) {
        return cause.getMessage() == null ? "no answer from the brokers in time"
                : io.cdcrunner.config.Redaction.mask(cause.getMessage());
    }

    /** Exact: retentions are set in whole units ({@code 7 d}, {@code 36 h}), unlike lags (see metrics.Durations). */
    static String readable(long millis) {
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] names = {"d", "h", "min", "s"};
        for (int i = 0; i < units.length; i++) {
            if (millis >= units[i] && millis % units[i] == 0) {
                return millis / units[i] + " " + names[i];
            }
        }
        return millis + " ms";
    }
}
