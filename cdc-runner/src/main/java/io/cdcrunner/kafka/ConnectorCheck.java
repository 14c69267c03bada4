package io.cdcrunner.kafka;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.check.CheckResult;

/**
 * Compares the configuration of the connector running in Kafka Connect (its REST API,
 * {@code GET /connectors/NAME/config}) with {@link ConnectorConfig}'s, naming every difference: a connector
 * configured otherwise writes records the pipeline may read wrong (defaults for NULLs, rounded decimals, one key over
 * several partitions).
 */
public final class ConnectorCheck {

    private static final String NAME = "connector";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConnectorCheck() {
    }

    /** Asks the Connect cluster at {@code connectUrl} for the connector's configuration and compares it. */
    public static CheckResult run(String connectUrl, String connector, Map<String, String> expected) {
        String url = connectUrl.replaceAll("/+$", "") + "/connectors/" + connector + "/config";
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return CheckResult.fail(NAME, "Kafka Connect at " + connectUrl + " has no connector '" + connector + "'",
                        "create it: cdc-runner connector-config --config FILE | curl -X POST -H 'Content-Type:"
                                + " application/json' --data @- " + connectUrl.replaceAll("/+$", "") + "/connectors");
            }
            if (response.statusCode() != 200) {
                return CheckResult.fail(NAME, "GET " + url + " answered " + response.statusCode(),
                        "check kafka.connect.url and that the Connect REST API is reachable");
            }
            Map<String, String> running = JSON.readValue(response.body(), new TypeReference<Map<String, String>>() { });
            return compare(connector, expected, running);
        } catch (IOException | IllegalArgumentException e) {
            return CheckResult.fail(NAME, "cannot read " + url + ": " + e.getMessage(),
                    "check kafka.connect.url (http://host:8083) and that the Connect REST API is reachable");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CheckResult.fail(NAME, "interrupted while asking " + url, "run check again");
        }
    }

    /** Every key of {@code expected} the running connector lacks or sets otherwise (placeholders for secrets aside). */
    static CheckResult compare(String connector, Map<String, String> expected, Map<String, String> running) {
        List<String> differences = new ArrayList<>();
        expected.forEach((key, value) -> {
            if (ConnectorConfig.isSecret(key)) {
                return;
            }
            String actual = running.get(key);
            if (actual == null) {
                differences.add(key + " is missing (expected '" + value + "')");
            } else if (!actual.trim().equals(value)) {
                differences.add(key + " is '" + actual + "' (expected '" + value + "')");
            }
        });
        String transforms = running.get("transforms");
        if (transforms != null && !transforms.equals(expected.get("transforms"))) {
            differences.add("transforms is '" + transforms + "': transforms other than connector-config's change the"
                    + " records the pipeline reads");
        }
        if (differences.isEmpty()) {
            return CheckResult.ok(NAME, "connector '" + connector + "' is configured as connector-config prints");
        }
        return CheckResult.fail(NAME, "connector '" + connector + "' differs from connector-config in "
                + differences.size() + " key(s): " + String.join("; ", differences),
                "update it: cdc-runner connector-config --config FILE --config-only | curl -X PUT -H 'Content-Type:"
                        + " application/json' --data @- CONNECT_URL/connectors/" + connector + "/config");
    }
}
