package io.cdcrunner.processor.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.processor.ChangeEvent;
import io.cdcrunner.processor.NonRetryableException;
import io.cdcrunner.processor.Operation;
import io.cdcrunner.processor.ProcessorConfig;
import io.cdcrunner.processor.ProcessorContext;
import io.cdcrunner.testkit.ChangeEventBuilder;
import io.cdcrunner.testkit.UnitTest;

/**
 * What {@link CeleryTaskProcessor} puts in a task message, without a broker: a closed loopback port stands for one
 * that is down (the processor opens anyway). The messages reaching a real worker are tested in
 * {@code CeleryBrokersTest}.
 */
@UnitTest
class CeleryTaskProcessorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOWN = "redis://:s3cret-pass@127.0.0.1:1/0";

    @Test
    void aFamilyTaskCarriesTheFamilyValueAndEveryEventOfTheGroup() throws Exception {
        try (CeleryTaskProcessor processor = open(Map.of("celery.kwargs.origin", "binlog"), "customer_id")) {
            List<CeleryMessage> messages = processor.messages(List.of(order(1, 7, "12.50", "0-1-5"),
                    order(2, 7, "1.00", "0-1-6")));

            assertThat(messages).hasSize(1);
            JsonNode body = JSON.readTree(messages.get(0).body());
            assertThat(body.get(0).toString()).isEqualTo("[7]");
            JsonNode kwargs = body.get(1);
            assertThat(kwargs.get("event_ids").toString()).isEqualTo("[\"gtid:0-1-5:0:0\",\"gtid:0-1-6:0:0\"]");
            assertThat(kwargs.get("keys").toString()).isEqualTo("[{\"id\":1},{\"id\":2}]");
            assertThat(kwargs.get("operations").toString()).isEqualTo("[\"INSERT\",\"INSERT\"]");
            assertThat(kwargs.get("table").asText()).isEqualTo("shop.orders");
            assertThat(kwargs.get("origin").asText()).isEqualTo("binlog");
            assertThat(body.get(2).toString()).isEqualTo(
                    "{\"callbacks\":null,\"errbacks\":null,\"chain\":null,\"chord\":null}");
        }
    }

    @Test
    void theTaskIdIsTheSameWhenTheSameEventsArePublishedAgainAndDiffersOtherwise() throws Exception {
        try (CeleryTaskProcessor processor = open(Map.of(), "customer_id")) {
            List<ChangeEvent> batch = List.of(order(1, 7, "1.00", "0-1-5"), order(2, 7, "2.00", "0-1-6"));
            String first = processor.messages(batch).get(0).id();

            assertThat(processor.messages(batch).get(0).id()).isEqualTo(first);
            assertThat(processor.messages(batch.subList(0, 1)).get(0).id()).isNotEqualTo(first);
            assertThat(first).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        }
    }

    @Test
    void anUpdateMovingARowToAnotherFamilyQueuesATaskForEach() throws Exception {
        try (CeleryTaskProcessor processor = open(Map.of(), "customer_id")) {
            ChangeEvent moved = ChangeEventBuilder.of(Operation.UPDATE).table("shop", "orders").key("id", 3L)
                    .before(Map.of("id", 3L, "customer_id", 7, "amount", new BigDecimal("5.00")))
                    .after(Map.of("id", 3L, "customer_id", 8, "amount", new BigDecimal("5.00"))).gtid("0-1-9").build();

            List<CeleryMessage> messages = processor.messages(List.of(moved));

            assertThat(messages).extracting(m -> m.args().toString()).containsExactly("[7]", "[8]");
            // Both cover the same event: the family tells their ids apart, so a worker skipping ids it ran runs both.
            assertThat(messages.get(0).id()).isNotEqualTo(messages.get(1).id());
        }
    }

    @Test
    void aRowWithoutFamilyGetsNoTaskAndATableEventNone() throws Exception {
        try (CeleryTaskProcessor processor = open(Map.of(), "customer_id")) {
            Map<String, Object> noFamily = new HashMap<>(Map.of("id", 4L, "amount", new BigDecimal("1.00")));
            noFamily.put("customer_id", null);
            ChangeEvent orphan = ChangeEventBuilder.insert().table("shop", "orders").key("id", 4L).after(noFamily).build();
            ChangeEvent truncate = ChangeEventBuilder.of(Operation.TRUNCATE).table("shop", "orders").build();

            assertThat(processor.messages(List.of(orphan))).isEmpty();
            assertThat(processor.messages(List.of(truncate))).isEmpty();
        }
    }

    @Test
    void aRowOfATableWithoutTheFamilyColumnIsDeadLetteredNamingTheColumn() throws Exception {
        try (CeleryTaskProcessor processor = open(Map.of(), "customer_id")) {
            ChangeEvent other = ChangeEventBuilder.insert().table("shop", "refunds").key("id", 1L)
                    .after(Map.of("id", 1L)).build();

            assertThatThrownBy(() -> processor.messages(List.of(other))).isInstanceOf(NonRetryableException.class)
                    .hasMessageContaining("shop.refunds").hasMessageContaining("customer_id")
                    .hasMessageContaining("processor.celery.args=row");
        }
    }

    @Test
    void aRowTaskCarriesTheRowAsADictWithItsValuesInTheirJsonForm() throws Exception {
        try (CeleryTaskProcessor processor = open(Map.of("celery.args", "row"), null)) {
            CeleryMessage message = processor.messages(List.of(order(5, 9, "0.10", "0-1-12"))).get(0);

            JsonNode body = JSON.readTree(message.body());
            assertThat(body.get(0).get(0).get("amount").asText()).isEqualTo("0.10");
            assertThat(body.get(0).get(0).get("customer_id").asInt()).isEqualTo(9);
            assertThat(body.get(1).get("operation").asText()).isEqualTo("INSERT");
            assertThat(body.get(1).get("event_id").asText()).isEqualTo("gtid:0-1-12:0:0");
            assertThat(body.get(1).get("key").toString()).isEqualTo("{\"id\":5}");
        }
    }

    @Test
    void theRedisEnvelopeIsKombusWithTheProtocolTwoHeaders() throws Exception {
        try (CeleryTaskProcessor processor = open(Map.of(), "customer_id")) {
            CeleryMessage message = processor.messages(List.of(order(1, 7, "1.00", "0-1-5"))).get(0);

            JsonNode envelope = JSON.readTree(message.redisEnvelope("orders", "test@host"));
            assertThat(envelope.get("content-type").asText()).isEqualTo("application/json");
            assertThat(envelope.get("headers").get("task").asText()).isEqualTo("shop.tasks.read_it");
            assertThat(envelope.get("headers").get("id").asText()).isEqualTo(message.id());
            assertThat(envelope.get("headers").get("root_id").asText()).isEqualTo(message.id());
            assertThat(envelope.get("headers").get("lang").asText()).isEqualTo("py");
            assertThat(envelope.get("properties").get("delivery_info").get("routing_key").asText()).isEqualTo("orders");
            assertThat(envelope.get("properties").get("body_encoding").asText()).isEqualTo("base64");
            byte[] body = Base64.getDecoder().decode(envelope.get("body").asText());
            assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(new String(message.body(),
                    StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyConfigurationProblemIsNamedWithItsFixAndNoPasswordIsShown() {
        assertThatThrownBy(() -> openWith(Map.of(), Optional.empty()))
                .hasMessageContaining("processor.celery.broker.url").hasMessageContaining("processor.celery.task")
                .hasMessageContaining("processor.ordering.column");
        assertThatThrownBy(() -> openWith(Map.of("celery.broker.url", "kafka://:s3cret-pass@h:1", "celery.task", "t",
                "celery.args", "row"), Optional.empty()))
                .hasMessageContaining("redis://").hasMessageNotContaining("s3cret-pass");
        assertThatThrownBy(() -> openWith(Map.of("celery.broker.url", "redis://:s3cret pass@h", "celery.task", "t",
                "celery.args", "row"), Optional.empty()))
                .hasMessageContaining("not a URL").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> openWith(Map.of("celery.broker.url", DOWN, "celery.task", "t",
                "celery.args", "rows", "celery.kwargs.bad-name", "x"), Optional.of("customer_id")))
                .hasMessageContaining("processor.celery.args=rows is not family or row")
                .hasMessageContaining("'bad-name' is not a Python keyword argument name");
        assertThatThrownBy(() -> openWith(Map.of("celery.broker.url", DOWN, "celery.task", "t",
                "celery.tls.truststore", "/nonexistent/ca.p12"), Optional.of("customer_id")))
                .hasMessageContaining("processor.celery.tls.truststore=/nonexistent/ca.p12: no such readable file");
    }

    @Test
    void keywordArgumentsTheProcessorSetsAndTimeoutsOfZeroAreRefused() {
        assertThatThrownBy(() -> openWith(Map.of("celery.broker.url", DOWN, "celery.task", "t",
                "celery.kwargs.event_ids", "x", "celery.confirm.timeout.ms", "0"), Optional.of("customer_id")))
                .hasMessageContaining("'event_ids' is a keyword argument the processor sets itself")
                .hasMessageContaining("processor.celery.confirm.timeout.ms=0 must be at least 1");
    }

    @Test
    void celerysSpellingsOfTheDefaultVirtualHostAreRabbitMqsSlash() {
        for (String url : List.of("amqp://u:p@mq:5672//", "amqp://u:p@mq:5672/", "amqp://u:p@mq:5672")) {
            assertThat(AmqpBroker.withVirtualHost(java.net.URI.create(url)).toString())
                    .as(url).isEqualTo("amqp://u:p@mq:5672/%2F");
        }
        assertThat(AmqpBroker.withVirtualHost(java.net.URI.create("amqps://u:p@mq/shop")).toString())
                .isEqualTo("amqps://u:p@mq/shop");
        assertThat(AmqpBroker.withVirtualHost(java.net.URI.create("amqp://mq//?heartbeat=10")).toString())
                .isEqualTo("amqp://mq/%2F?heartbeat=10");
    }

    private static ChangeEvent order(long id, int customer, String amount, String gtid) {
        return ChangeEventBuilder.insert().table("shop", "orders").key("id", id)
                .after(Map.of("id", id, "customer_id", customer, "amount", new BigDecimal(amount)))
                .gtid(gtid).transactionEvent(0).build();
    }

    private static CeleryTaskProcessor open(Map<String, String> extra, String orderingColumn) {
        Map<String, String> config = new HashMap<>(Map.of("celery.broker.url", DOWN, "celery.task",
                "shop.tasks.read_it"));
        config.putAll(extra);
        return openWith(config, Optional.ofNullable(orderingColumn));
    }

    private static CeleryTaskProcessor openWith(Map<String, String> values, Optional<String> orderingColumn) {
        ProcessorConfig config = new ProcessorConfig(values);
        CeleryTaskProcessor processor = new CeleryTaskProcessor();
        processor.open(new ProcessorContext() {
            @Override
            public String pipelineName() {
                return "celery-test";
            }

            @Override
            public ProcessorConfig config() {
                return config;
            }

            @Override
            public DataSource dataSource() {
                throw new AssertionError("the Celery processor needs no database");
            }

            @Override
            public Optional<String> orderingColumn() {
                return orderingColumn;
            }
        });
        return processor;
    }
}
