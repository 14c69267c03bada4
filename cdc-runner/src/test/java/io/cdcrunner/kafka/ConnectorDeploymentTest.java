package io.cdcrunner.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.cdcrunner.source.ServerInfo.BinlogPosition;
import io.cdcrunner.testkit.UnitTest;

/**
 * What {@code connector-config --apply} asks of Kafka Connect, against a scripted REST API: a new connector gets its
 * start position before its task can run, an existing one keeps its offsets, a source that cannot be read leaves
 * nothing behind.
 */
@UnitTest
class ConnectorDeploymentTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> CONFIG = Map.of("connector.class", "X", "snapshot.mode", "custom");
    private static final BinlogPosition END = new BinlogPosition("binlog.000003", 4242, "0-1-9");

    private final List<String> requests = new CopyOnWriteArrayList<>();
    /** Answers by "METHOD path", each a queue of status and body (the last one repeats). */
    private final Map<String, Queue<Object[]>> answers = new HashMap<>();
    private final AtomicInteger positionReads = new AtomicInteger();
    private HttpServer server;
    private ConnectorDeployment deployment;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(key + (body.isEmpty() ? "" : " " + body));
            Queue<Object[]> queue = answers.get(key);
            Object[] answer = queue == null ? new Object[] {500, "{\"message\":\"unexpected " + key + "\"}"}
                    : queue.size() > 1 ? queue.poll() : queue.peek();
            byte[] bytes = ((String) answer[1]).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders((Integer) answer[0], bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        deployment = new ConnectorDeployment(new ConnectRest("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
                "orders", "shop");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aNewConnectorIsCreatedStoppedGivenTheBinlogEndAsItsOffsetThenResumed() throws Exception {
        answer("GET /connectors/orders/status", 404, "{\"error_code\":404,\"message\":\"No status found\"}");
        answer("POST /connectors", 201, "{}");
        answer("GET /connectors/orders/offsets", 200, "{\"offsets\":[]}");
        // The first try meets a rebalance: it is tried again.
        answer("PATCH /connectors/orders/offsets", 409, "{\"message\":\"rebalance in progress\"}");
        answer("PATCH /connectors/orders/offsets", 200, "{\"message\":\"altered\"}");
        answer("PUT /connectors/orders/resume", 202, "");

        String done = deployment.apply(CONFIG, Optional.of(this::binlogEnd));

        assertThat(done).isEqualTo("created; it starts at the binlog position binlog.000003:4242 (GTIDs 0-1-9),"
                + " recorded before its task first ran");
        assertThat(requests).hasSize(6);
        assertThat(requests.get(0)).isEqualTo("GET /connectors/orders/status");
        assertThat(json(requests.get(1), "POST /connectors")).isEqualTo(Map.of("name", "orders", "config", CONFIG,
                "initial_state", "STOPPED"));
        assertThat(requests.get(2)).isEqualTo("GET /connectors/orders/offsets");
        assertThat(requests.get(3)).isEqualTo(requests.get(4));
        assertThat(json(requests.get(4), "PATCH /connectors/orders/offsets")).isEqualTo(Map.of("offsets", List.of(
                Map.of("partition", Map.of("server", "shop"), "offset", Map.of("file", "binlog.000003", "pos", 4242,
                        "gtids", "0-1-9", "snapshot", "INITIAL")))));
        assertThat(requests.get(5)).isEqualTo("PUT /connectors/orders/resume");
        assertThat(positionReads).hasValue(1);
    }

    @Test
    void aConnectorCreatedAgainUnderTheNameOfADeletedOneResumesFromItsOffsetsNotTheBinlogEnd() throws Exception {
        // Connect keeps a deleted connector's offsets under its name: seeding the binlog end over them would skip
        // every change committed since the old connector's last position.
        answer("GET /connectors/orders/status", 404, "{}");
        answer("POST /connectors", 201, "{}");
        answer("GET /connectors/orders/offsets", 200, "{\"offsets\":[{\"partition\":{\"server\":\"shop\"},"
                + "\"offset\":{\"file\":\"binlog.000002\",\"pos\":77}}]}");
        answer("PUT /connectors/orders/resume", 202, "");

        String done = deployment.apply(CONFIG, Optional.of(this::binlogEnd));

        assertThat(done).startsWith("created; Connect still held the offsets of an earlier connector of this name")
                .contains("binlog.000002", "77");
        assertThat(requests).noneMatch(request -> request.startsWith("PATCH"));
        assertThat(requests.get(requests.size() - 1)).isEqualTo("PUT /connectors/orders/resume");
    }

    @Test
    void aNewConnectorThatSnapshotsIsCreatedRunningWithoutAPosition() throws Exception {
        answer("GET /connectors/orders/status", 404, "{}");
        answer("POST /connectors", 201, "{}");

        String done = deployment.apply(CONFIG, Optional.empty());

        assertThat(done).isEqualTo("created; it reads the included tables first (source.start=snapshot)");
        assertThat(json(requests.get(1), "POST /connectors")).isEqualTo(Map.of("name", "orders", "config", CONFIG));
        assertThat(requests).hasSize(2);
    }

    @Test
    void anExistingConnectorGetsTheNewConfigurationAndKeepsItsOffsets() throws Exception {
        answer("GET /connectors/orders/status", 200, "{\"connector\":{\"state\":\"RUNNING\"},\"tasks\":[]}");
        answer("PUT /connectors/orders/config", 200, "{}");

        String done = deployment.apply(CONFIG, Optional.of(this::binlogEnd));

        assertThat(done).isEqualTo("updated; its offsets were not changed");
        assertThat(requests).containsExactly("GET /connectors/orders/status",
                "PUT /connectors/orders/config " + JSON.writeValueAsString(CONFIG));
        assertThat(positionReads).hasValue(0);
    }

    @Test
    void aConnectorAnInterruptedApplyLeftStoppedWithoutOffsetsGetsItsStartPositionAndRuns() throws Exception {
        answer("GET /connectors/orders/status", 200, "{\"connector\":{\"state\":\"STOPPED\"},\"tasks\":[]}");
        answer("PUT /connectors/orders/config", 200, "{}");
        answer("GET /connectors/orders/offsets", 200, "{\"offsets\":[]}");
        answer("PATCH /connectors/orders/offsets", 200, "{}");
        answer("PUT /connectors/orders/resume", 202, "");

        String done = deployment.apply(CONFIG, Optional.of(this::binlogEnd));

        assertThat(done).startsWith("updated; it was STOPPED without a start position (an earlier --apply was"
                + " interrupted): it starts at the binlog position binlog.000003:4242");
        assertThat(requests).extracting(r -> r.split(" ")[0] + " " + r.split(" ")[1]).containsExactly(
                "GET /connectors/orders/status", "PUT /connectors/orders/config", "GET /connectors/orders/offsets",
                "PATCH /connectors/orders/offsets", "PUT /connectors/orders/resume");
    }

    @Test
    void aStoppedConnectorWithOffsetsOfItsOwnStaysStopped() throws Exception {
        answer("GET /connectors/orders/status", 200, "{\"connector\":{\"state\":\"STOPPED\"},\"tasks\":[]}");
        answer("PUT /connectors/orders/config", 200, "{}");
        answer("GET /connectors/orders/offsets", 200, "{\"offsets\":[{\"partition\":{\"server\":\"shop\"},"
                + "\"offset\":{\"file\":\"binlog.000002\",\"pos\":99,\"ts_sec\":1700000000}}]}");

        String done = deployment.apply(CONFIG, Optional.of(this::binlogEnd));

        assertThat(done).startsWith("updated; its offsets were not changed; it is STOPPED: PUT http://127.0.0.1:")
                .endsWith("/connectors/orders/resume lets it run");
        assertThat(requests).hasSize(3);
    }

    @Test
    void aSourceThatCannotBeReadLeavesNoConnectorBehind() {
        answer("GET /connectors/orders/status", 404, "{}");

        Throwable thrown = catchThrowable(() -> deployment.apply(CONFIG, Optional.of(() -> {
            throw new SQLException("Access denied; you need (at least one of) the BINLOG MONITOR privilege(s)");
        })));

        assertThat(thrown).isInstanceOf(SQLException.class);
        assertThat(requests).containsExactly("GET /connectors/orders/status");
    }

    private BinlogPosition binlogEnd() {
        positionReads.incrementAndGet();
        return END;
    }

    private void answer(String request, int status, String body) {
        answers.computeIfAbsent(request, k -> new ArrayDeque<>()).add(new Object[] {status, body});
    }

    private static Object json(String request, String prefix) throws IOException {
        assertThat(request).startsWith(prefix + " ");
        return JSON.readValue(request.substring(prefix.length() + 1), Map.class);
    }
}
