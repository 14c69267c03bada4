package io.cdcrunner.kafka;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.cdcrunner.check.CheckResult;

/**
 * Checks the connector running in Kafka Connect (its REST API): its configuration against {@link ConnectorConfig}'s,
 * naming every difference (a connector configured otherwise writes records the pipeline may read wrong: defaults for
 * NULLs, rounded decimals, one key over several partitions); each setting with which it drops changes
 * ({@link DroppingSettings}); and, for a connector starting at the binlog end, that it has recorded a position.
 */
public final class ConnectorCheck {

    private static final String NAME = "connector";

    private ConnectorCheck() {
    }

    /** Asks the Connect cluster at {@code connectUrl} for the connector and checks it. */
    public static List<CheckResult> run(String connectUrl, String connector, Map<String, String> expected) {
        ConnectRest rest = new ConnectRest(connectUrl);
        try {
            Optional<Map<String, String>> running = rest.config(connector);
            if (running.isEmpty()) {
                return List.of(CheckResult.fail(NAME, "Kafka Connect at " + rest.url() + " has no connector '"
                        + connector + "'", "create it: cdc-runner connector-config --config FILE --apply "
                        + rest.url()));
            }
            List<CheckResult> results = new ArrayList<>();
            results.add(compare(connector, expected, running.get()));
            results.addAll(DroppingSettings.findIn(rest.url(), connector, running.get()));
            if (!"initial".equals(expected.get("snapshot.mode"))) {
                noStartPosition(rest, connector).ifPresent(results::add);
            }
            return results;
        } catch (ConnectRest.ConnectRestException e) {
            return List.of(CheckResult.fail(NAME, e.getMessage(),
                    "check kafka.connect.url and that the Connect REST API is reachable"));
        } catch (IOException | IllegalArgumentException e) {
            return List.of(CheckResult.fail(NAME, "cannot read " + rest.url() + "/connectors/" + connector + ": "
                    + e.getMessage(), "check kafka.connect.url (http://host:8083) and that the Connect REST API is"
                    + " reachable"));
        }
    }

    /**
     * A connector starting at the binlog end without a recorded offset (created other than by {@code --apply}, not
     * flushed yet): a worker dying now restarts it at the binlog end. Nothing when the offsets cannot be read (a
     * Connect before 3.5).
     */
    private static Optional<CheckResult> noStartPosition(ConnectRest rest, String connector) throws IOException {
        try {
            if (!rest.offsets(connector).isEmpty()) {
                return Optional.empty();
            }
        } catch (ConnectRest.ConnectRestException e) {
            return Optional.empty();
        }
        return Optional.of(CheckResult.warn(NAME, "connector '" + connector + "' has no recorded offset yet: until its"
                + " first offset flush, a worker that dies restarts it at the binlog end, skipping the changes"
                + " committed in between", "create it with cdc-runner connector-config --config FILE --apply "
                + rest.url() + " (delete it first), which records its start position before it runs; or wait for its"
                + " first offset flush (the worker's offset.flush.interval.ms)"));
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
                "update it: cdc-runner connector-config --config FILE --apply CONNECT_URL (its offsets are kept)");
    }
}
