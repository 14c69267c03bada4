package io.cdcrunner.binlog.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdcrunner.state.StateDirectory;
import io.cdcrunner.testkit.UnitTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backfill record: what a restart finds again, and how a recorded offset says a run is in it. */
@UnitTest
class BackfillLogTest {

    @TempDir
    Path temp;

    @Test
    void runsAndTheCaptureSurviveARestartInTheStateDirectory() {
        StateDirectory state = new StateDirectory(temp).create();
        Instant now = Instant.parse("2026-12-08T02:15:30Z");
        BackfillRun run = BackfillRun.queued("b20261208-021530-7f3a", List.of("shop.orders", "shop.refunds"),
                "created_at >= '2026-11-01'", "request", now)
                .withState(BackfillRun.State.RUNNING, now.plusSeconds(1)).withRecorded()
                .withProgress(Map.of("shop.orders", new BackfillRun.TableProgress(4096, 1, 200_000, false)))
                .withProblem("shop.refunds was not read to the end (it has no primary key)");
        new BackfillLog(new BackfillLog.Capture(List.of(), List.of("shop\\.orders")), List.of()).with(run).write(state);

        BackfillLog read = BackfillLog.read(new StateDirectory(temp));

        assertThat(read.runs()).containsExactly(run);
        assertThat(read.capture().tables()).containsExactly("shop\\.orders");
        assertThat(read.active()).contains(run);
        assertThat(run.startedAt()).isEqualTo("2026-12-08T02:15:31Z");
        assertThat(run.rowsDelivered()).isEqualTo(4096);
    }

    @Test
    void onlyTheLastFinishedRunsAreKeptAndTheOldestOpenOneIsActive() {
        Instant now = Instant.now();
        BackfillLog log = new BackfillLog(null, List.of());
        for (int i = 0; i < 8; i++) {
            log = log.with(BackfillRun.queued("done" + i, List.of("a.t"), null, "request", now)
                    .withState(BackfillRun.State.COMPLETED, now));
        }
        log = log.with(BackfillRun.queued("open1", List.of("a.t"), null, "request", now))
                .with(BackfillRun.queued("open2", List.of("a.t"), null, "request", now));

        assertThat(log.runs()).extracting(BackfillRun::id)
                .containsExactly("done3", "done4", "done5", "done6", "done7", "open1", "open2");
        assertThat(log.active()).map(BackfillRun::id).contains("open1");
    }

    @Test
    void anUnreadableRecordNamesItselfAndTheFix() throws Exception {
        StateDirectory state = new StateDirectory(temp).create();
        Files.writeString(state.backfillFile(), "{not json");

        assertThatThrownBy(() -> BackfillLog.read(state)).hasMessageContaining("backfill record")
                .hasMessageContaining("move it aside");
    }

    @Test
    void aRecordedOffsetCarriesTheRunItNames() {
        Map<String, String> during = Map.of("[\"p\",{\"server\":\"p\"}]", "{\"file\":\"binlog.000003\",\"pos\":4711,"
                + "\"incremental_snapshot_correlation_id\":\"b20261208-021530-7f3a\"}");
        Map<String, String> after = Map.of("[\"p\",{\"server\":\"p\"}]", "{\"file\":\"binlog.000003\",\"pos\":9000}");

        assertThat(Backfills.carries(during, "b20261208-021530-7f3a")).isTrue();
        assertThat(Backfills.carries(during, "b20261209-000000-0000")).isFalse();
        assertThat(Backfills.carries(after, "b20261208-021530-7f3a")).isFalse();
        assertThat(Backfills.carries(Map.of(), "b20261208-021530-7f3a")).isFalse();
    }

    @Test
    void aConditionIsOneExpressionOnTheTablesColumnsNothingThatEndsOrExtendsTheQuery() {
        Backfills.checkConditionShape("created_at >= '2026-11-01' AND (status = 'a;b' OR note LIKE '%--%')");
        Backfills.checkConditionShape("id BETWEEN 10 AND 20");
        for (String bad : List.of("1=1; DROP TABLE t", "1=0) UNION SELECT password FROM mysql.user -- ",
                "id IN (SELECT id FROM other)", "1=1 /* x */", "1=1 # x", "(id > 1", "id > 1) OR (1=1",
                "SLEEP(10) = 0", "'unterminated")) {
            assertThatThrownBy(() -> Backfills.checkConditionShape(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the condition");
        }
    }
}
