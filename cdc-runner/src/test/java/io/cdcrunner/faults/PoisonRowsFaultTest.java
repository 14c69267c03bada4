package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.testdb.FullSuiteFlavors;
import io.cdcrunner.testkit.FaultTest;

/**
 * Three rows the processor can never handle are retried, then dead-lettered, while every other row flows on;
 * once the processor is fixed, {@code cdc-runner dlq replay --all} applies them exactly once.
 */
@FaultTest
class PoisonRowsFaultTest {

    private static final int ROWS = 2_000;
    private static final int ROWS_AFTER = 200;
    private static final List<Long> POISON = List.of(317L, 1_000L, 1_733L);
    private static final int MAX_ATTEMPTS = 3;
    private static final Pattern ATTEMPT = Pattern.compile(
            "- " + Pattern.quote(PoisonProcessor.REFUSAL) + "(\\d+)\\s*$", Pattern.MULTILINE);
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(FullSuiteFlavors.class)
    void poisonRowsAreRetriedDeadLetteredAndReplayedWithoutStallingTheStream(Flavor flavor) throws Exception {
        FaultReport report = new FaultReport("poison-rows:" + flavor);
        try (FaultDatabase db = FaultDatabase.start(flavor)) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Path logs = FaultSteps.logDir(temp, "poison-rows", flavor);
            Map<String, String> props = db.baseConfig(stateDir);
            props.put("processor.threads", "2");
            props.put("processor.retry.max.attempts", String.valueOf(MAX_ATTEMPTS));
            props.put("processor.retry.initial.backoff.ms", "20");
            props.put("processor.retry.max.backoff.ms", "100");
            props.put("processor.on.failure", "dead-letter");
            Map<String, String> failing = new java.util.LinkedHashMap<>(props);
            failing.putAll(FaultDatabase.poisonProcessor(POISON));
            Path config = FaultDatabase.writeConfig(temp.resolve("poison.properties"), failing);
            Map<String, String> fixed = new java.util.LinkedHashMap<>(props);
            fixed.putAll(FaultDatabase.poisonProcessor(List.of()));
            Path fixedConfig = FaultDatabase.writeConfig(temp.resolve("fixed.properties"), fixed);
            Path store = stateDir.resolve("dead-letters.jsonl");

            try (DaemonProcess daemon = new DaemonProcess("poison", config, logs)) {
                daemon.start();
                FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                new RowWriter(db.server(), 1, ROWS, 5, 20, 100, 0).start().join(Duration.ofMinutes(2));
                FaultSteps.awaitWhileAlive(daemon, WAIT, "every row but the " + POISON.size() + " poison rows to "
                        + "be processed", () -> db.unprocessed() == POISON.size());
                // The stream must not stall behind the poison rows: later rows still get through.
                new RowWriter(db.server(), 1 + ROWS, ROWS_AFTER, 6, 20, 100, 0).start().join(Duration.ofMinutes(1));
                FaultSteps.awaitWhileAlive(daemon, WAIT, "rows inserted after the poison rows to be processed",
                        () -> db.unprocessed() == POISON.size());
                FaultSteps.awaitWhileAlive(daemon, WAIT, "the " + POISON.size() + " poison rows to be in the "
                        + "dead-letter store " + store, () -> deadLetterLines(store).size() >= POISON.size());

                String output = daemon.outputText();
                Map<Long, Integer> attempts = attempts(output);
                List<String> lines = deadLetterLines(store);
                List<Long> storedIds = new ArrayList<>();
                for (String line : lines) {
                    storedIds.addAll(rowIds(line));
                }
                DaemonProcess.CommandResult list = DaemonProcess.runCommand(logs, "dlq-list",
                        "dlq", "list", "--config", config.toString());
                report.print("rows written=%d processed=%d dead-lettered=%d (ids %s) attempts per poison row=%s; "
                        + "dlq list exit %d", db.count("SELECT COUNT(*) FROM " + FaultDatabase.TABLE),
                        db.count("SELECT COUNT(*) FROM " + FaultDatabase.AUDIT), lines.size(), storedIds, attempts,
                        list.exitCode());

                SoftAssertions soft = new SoftAssertions();
                soft.assertThat(lines).as("dead-letter entries in " + store).hasSize(POISON.size());
                soft.assertThat(storedIds).as("row ids in the dead-letter entries:\n" + String.join("\n", lines))
                        .containsExactlyInAnyOrderElementsOf(POISON);
                for (long id : POISON) {
                    soft.assertThat(lines).as("a dead-letter entry carries the processor's error for row " + id)
                            .anyMatch(l -> l.contains(PoisonProcessor.REFUSAL + id));
                }
                soft.assertThat(attempts).as("attempts per poison row before dead-lettering "
                        + "(processor.retry.max.attempts=" + MAX_ATTEMPTS + ")")
                        .isEqualTo(expectedAttempts());
                soft.assertThat(list.exitCode()).as(DaemonOutput.explain("exit code of `dlq list`", list.output()))
                        .isZero();
                for (long id : POISON) {
                    soft.assertThat(list.output()).as("`dlq list` shows row " + id).contains(String.valueOf(id));
                }
                soft.assertAll();

                showFirstEntry(logs, config, lines, report);

                FaultSteps.stopCleanly(daemon);
                Optional<DaemonOutput.Stats> stats = DaemonOutput.lastStats(daemon.outputText());
                report.print("daemon stats at stop: processed=%s duplicates=%s retried=%s dead-lettered=%s",
                        DaemonOutput.orNa(stats, DaemonOutput.Stats::processed),
                        DaemonOutput.orNa(stats, DaemonOutput.Stats::duplicates),
                        DaemonOutput.orNa(stats, DaemonOutput.Stats::retried),
                        DaemonOutput.orNa(stats, DaemonOutput.Stats::deadLettered));
            }

            DaemonProcess.CommandResult replay = DaemonProcess.runCommand(logs, "dlq-replay",
                    "dlq", "replay", "--all", "--config", fixedConfig.toString());
            DaemonProcess.CommandResult after = DaemonProcess.runCommand(logs, "dlq-list-after",
                    "dlq", "list", "--config", fixedConfig.toString());
            FaultDatabase.Verdict verdict = db.verdict();
            report.print("replay --all with the fixed processor: exit %d, store entries left=%d, rows processed=%d "
                    + "lost=%d applied twice or more=%d", replay.exitCode(), deadLetterLines(store).size(),
                    verdict.audited(), verdict.lost().size(), verdict.repeated().size());
            assertThat(replay.exitCode()).as(DaemonOutput.explain("exit code of `dlq replay --all`", replay.output()))
                    .isZero();
            assertThat(deadLetterLines(store)).as("dead-letter store after a successful replay --all").isEmpty();
            assertThat(after.exitCode()).as(DaemonOutput.explain("`dlq list` after replay", after.output())).isZero();
            assertThat(verdict.lost()).as("rows not processed after the replay: " + verdict.describe()).isEmpty();
            assertThat(verdict.repeated()).as("rows applied more than once: " + verdict.describe()).isEmpty();
            assertThat(verdict.rows()).isEqualTo(ROWS + ROWS_AFTER);
        }
    }

    /** Runs {@code dlq show ID} for the first entry when entries carry a top-level {@code id}. */
    private static void showFirstEntry(Path logs, Path config, List<String> lines, FaultReport report)
            throws Exception {
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        JsonNode id = first.get("id");
        if (id == null || !id.isValueNode()) {
            report.print("dlq show not exercised: entries have no top-level \"id\" field (fields: %s)",
                    iterable(first.fieldNames()));
            return;
        }
        DaemonProcess.CommandResult show = DaemonProcess.runCommand(logs, "dlq-show",
                "dlq", "show", id.asText(), "--config", config.toString());
        report.print("dlq show %s: exit %d", id.asText(), show.exitCode());
        assertThat(show.exitCode()).as(DaemonOutput.explain("exit code of `dlq show " + id.asText() + "`",
                show.output())).isZero();
        assertThat(show.output()).as("`dlq show` prints the error").contains(PoisonProcessor.REFUSAL);
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    private static Map<Long, Integer> expectedAttempts() {
        Map<Long, Integer> expected = new TreeMap<>();
        POISON.forEach(id -> expected.put(id, MAX_ATTEMPTS));
        return expected;
    }

    /** Refusals logged by {@link PoisonProcessor}, per row id. */
    private static Map<Long, Integer> attempts(String output) {
        Map<Long, Integer> attempts = new TreeMap<>();
        Matcher m = ATTEMPT.matcher(output);
        while (m.find()) {
            attempts.merge(Long.parseLong(m.group(1)), 1, Integer::sum);
        }
        return attempts;
    }

    private static List<String> deadLetterLines(Path store) {
        return FaultSteps.readOrEmpty(store).lines().filter(l -> !l.isBlank()).toList();
    }

    /** The row id of one dead-letter entry, decoded with the store's own event codec. */
    private static List<Long> rowIds(String line) throws Exception {
        JsonNode event = new ObjectMapper().readTree(line).get("event");
        return List.of(io.cdcrunner.deadletter.ChangeEventCodec.fromTree(event).row().getLong("id"));
    }
}
