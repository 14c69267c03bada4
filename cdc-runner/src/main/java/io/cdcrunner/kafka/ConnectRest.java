package io.cdcrunner.kafka;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The calls cdc-runner makes to a Kafka Connect cluster's REST API (Connect 3.7 or later: a connector created
 * {@code STOPPED}, KIP-980, and its offsets set while stopped, KIP-875). A request that comes during a rebalance
 * (409) is tried again for up to {@value #REBALANCE_WAIT_SECONDS} s.
 *
 * <p>Answers other than success throw {@link ConnectRestException}; an unreachable API throws {@link IOException}.
 */
public final class ConnectRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REBALANCE_WAIT_SECONDS = 60;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String url;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** @param url the REST API, {@code http://host:8083} */
    public ConnectRest(String url) {
        this.url = url.replaceAll("/+$", "");
    }

    public String url() {
        return url;
    }

    /** The connector's configuration; empty when the cluster has no such connector. */
    public Optional<Map<String, String>> config(String connector) throws IOException, ConnectRestException {
        return send("GET", "/connectors/" + connector + "/config", null, true)
                .map(body -> JSON.convertValue(body, new TypeReference<Map<String, String>>() { }));
    }

    /** The connector's state ({@code RUNNING}, {@code STOPPED}, {@code PAUSED}...); empty when there is none. */
    public Optional<String> state(String connector) throws IOException, ConnectRestException {
        return send("GET", "/connectors/" + connector + "/status", null, true)
                .map(body -> body.path("connector").path("state").asText());
    }

    /** Creates the connector, {@code STOPPED} (no task runs until {@link #resume}) or running. */
    public void create(String connector, Map<String, String> config, boolean stopped)
            throws IOException, ConnectRestException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("name", connector);
        request.put("config", config);
        if (stopped) {
            request.put("initial_state", "STOPPED");
        }
        send("POST", "/connectors", request, false);
    }

    /** Replaces the configuration of an existing connector; its offsets and state stay as they are. */
    public void update(String connector, Map<String, String> config) throws IOException, ConnectRestException {
        send("PUT", "/connectors/" + connector + "/config", config, false);
    }

    /** The connector's committed source offsets, one per source partition. */
    public List<PartitionOffset> offsets(String connector) throws IOException, ConnectRestException {
        JsonNode body = send("GET", "/connectors/" + connector + "/offsets", null, false).orElseThrow();
        List<PartitionOffset> offsets = new ArrayList<>();
        for (JsonNode entry : body.path("offsets")) {
            offsets.add(new PartitionOffset(map(entry.path("partition")), map(entry.path("offset"))));
        }
        return offsets;
    }

    /** Sets the offset of one source partition of a {@code STOPPED} connector. */
    public void alterOffset(String connector, PartitionOffset offset) throws IOException, ConnectRestException {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("partition", offset.partition());
        entry.put("offset", offset.offset());
        send("PATCH", "/connectors/" + connector + "/offsets", Map.of("offsets", List.of(entry)), false);
    }

    /** Lets a stopped or paused connector run. */
    public void resume(String connector) throws IOException, ConnectRestException {
        send("PUT", "/connectors/" + connector + "/resume", null, false);
    }

    /** One source partition's offset, as Connect's REST API shows them. */
    public record PartitionOffset(Map<String, Object> partition, Map<String, Object> offset) {
    }

    /** The answer's body; empty for a 404 when {@code absentIsEmpty}. */
    private Optional<JsonNode> send(String method, String path, Object body, boolean absentIsEmpty)
            throws IOException, ConnectRestException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        long giveUpAt = System.nanoTime() + Duration.ofSeconds(REBALANCE_WAIT_SECONDS).toNanos();
        long backoffMillis = 250;
        while (true) {
            HttpResponse<String> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + method + " " + url + path, e);
            }
            int status = response.statusCode();
            if (status / 100 == 2) {
                String text = response.body();
                return Optional.of(text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text));
            }
            if (status == 404 && absentIsEmpty) {
                return Optional.empty();
            }
            // 409: a rebalance is under way or the worker's view of the configuration is stale; it passes.
            if (status != 409 || System.nanoTime() > giveUpAt) {
                throw new ConnectRestException(method + " " + url + path, status, response.body());
            }
            try {
                Thread.sleep(backoffMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + method + " " + url + path, e);
            }
            backoffMillis = Math.min(backoffMillis * 2, 4000);
        }
    }

    private static Map<String, Object> map(JsonNode node) {
        return JSON.convertValue(node, new TypeReference<Map<String, Object>>() { });
    }

    /** The REST API answered a request with an error. */
    public static final class ConnectRestException extends Exception {

        private final int status;

        ConnectRestException(String request, int status, String body) {
            super(request + " answered " + status + ": " + message(body));
            this.status = status;
        }

        public int status() {
            return status;
        }

        /** Connect's error body is {@code {"error_code":..,"message":".."}}: the message alone reads best. */
        private static String message(String body) {
            try {
                JsonNode node = JSON.readTree(body);
                return node.hasNonNull("message") ? node.get("message").asText() : body;
            } catch (IOException | RuntimeException e) {
                return body;
            }
        }
    }
}
