package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.testdb.FullSuiteFlavors;
import io.cdcrunner.testkit.FaultTest;

/**
 * With {@code processor.on.failure=halt} a row the processor cannot handle stops the daemon (exit 1, the event
 * named) without passing it; once the processor is fixed a restart processes every row exactly once.
 */
@FaultTest
class HaltModeFaultTest {

    private static final int ROWS = 600;
    private static final long POISON = 300;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(FullSuiteFlavors.class)
    void aFailingRowHaltsTheDaemonBeforeItAndARestartProcessesEveryRowOnce(Flavor flavor) throws Exception {
        FaultReport report = new FaultReport("halt:" + flavor);
        try (FaultDatabase db = FaultDatabase.start(flavor)) {
            Path stateDir = Files.createDirectories(temp.resolve("state"));
            Map<String, String> props = db.baseConfig(stateDir);
            // One lane: the order of the whole stream is the order within the lane.
            props.put("processor.threads", "1");
            props.put("processor.retry.max.attempts", "2");
            props.put("processor.retry.initial.backoff.ms", "20");
            props.put("processor.retry.max.backoff.ms", "100");
            props.put("processor.on.failure", "halt");
            Map<String, String> failing = new java.util.LinkedHashMap<>(props);
            failing.putAll(FaultDatabase.poisonProcessor(List.of(POISON)));
            Map<String, String> fixed = new java.util.LinkedHashMap<>(props);
            fixed.putAll(FaultDatabase.poisonProcessor(List.of()));
            Path failingConfig = FaultDatabase.writeConfig(temp.resolve("halt.properties"), failing);
            Path fixedConfig = FaultDatabase.writeConfig(temp.resolve("fixed.properties"), fixed);

            try (DaemonProcess daemon = new DaemonProcess("halt", failingConfig,
                    FaultSteps.logDir(temp, "halt", flavor))) {
                daemon.start();
                FaultSteps.awaitStartPosition(daemon, stateDir, Duration.ofSeconds(60));
                // One row per transaction, in id order: commit order is id order.
                new RowWriter(db.server(), 1, ROWS, 11, 1, 50, 0).start().join(Duration.ofMinutes(2));
                int code = daemon.waitFor(WAIT);
                String output = daemon.outputText();
                Set<Long> audited = new TreeSet<>(db.auditTimes().keySet());
                Set<Long> before = LongStream.range(1, POISON).boxed().collect(Collectors.toCollection(TreeSet::new));
                boolean namesEvent = output.lines().anyMatch(l -> (l.contains("ERROR") || l.contains("halt"))
                        && l.contains(FaultDatabase.TABLE) && l.contains("id=" + POISON));
                report.print("halted: exit code %d, rows written=%d, processed before the halt=%d (expected %d), "
                        + "processed after the failing row=%d, error names the event: %b",
                        code, ROWS, audited.size(), before.size(),
                        audited.stream().filter(id -> id > POISON).count(), namesEvent);

                SoftAssertions halted = new SoftAssertions();
                halted.assertThat(code).as(DaemonOutput.explain("exit code after a halt", output)).isEqualTo(1);
                halted.assertThat(namesEvent).as(DaemonOutput.explain("an error line naming the failing event ("
                        + FaultDatabase.TABLE + ", id=" + POISON + ")", output)).isTrue();
                halted.assertThat(audited).as("rows processed before the halt: exactly those before row " + POISON)
                        .isEqualTo(before);
                halted.assertThat(FaultSteps.absentOrEmpty(stateDir.resolve("dead-letters.jsonl")))
                        .as("halt mode must not dead-letter").isTrue();
                halted.assertAll();
            }

            try (DaemonProcess daemon = new DaemonProcess("halt-fixed", fixedConfig,
                    FaultSteps.logDir(temp, "halt", flavor))) {
                daemon.start();
                FaultSteps.awaitWhileAlive(daemon, WAIT, "every row to be processed after the fix",
                        () -> db.unprocessed() == 0);
                FaultSteps.stopCleanly(daemon);
                FaultDatabase.Verdict verdict = db.verdict();
                report.print("after the fix: rows processed=%d lost=%d applied twice or more=%d duplicates skipped=%s",
                        verdict.audited(), verdict.lost().size(), verdict.repeated().size(),
                        DaemonOutput.orNa(DaemonOutput.lastStats(daemon.outputText()), DaemonOutput.Stats::duplicates));
                assertThat(verdict.lost()).as("rows skipped: " + verdict.describe()).isEmpty();
                assertThat(verdict.repeated()).as("rows applied more than once: " + verdict.describe()).isEmpty();
                assertThat(verdict.rows()).isEqualTo(ROWS);
            }
        }
    }
}
