package io.cdcrunner.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;

import io.cdcrunner.testkit.DatabaseTest;

/**
 * {@code demo --celery} as {@code make demo DEMO_ARGS=--celery} runs it, smaller: a MariaDB, a replica a second behind,
 * a Redis and a Celery worker, all started by the demo (about 20 s).
 */
@DatabaseTest
class CeleryDemoTest {

    /** The demo's configuration file, from the module directory the tests run in. */
    private static final String CONFIG = "../config/demo-celery.properties";

    @Test
    void everyTaskRunsAfterItsRowsReachTheReplicaAndEveryCustomersSummaryEndsExact() throws Exception {
        Output run = capture(() -> DemoMain.execute("demo", "--celery", "--config", CONFIG, "--rows", "400",
                "--families", "40", "--rate", "200", "--writers", "2"));

        assertThat(run.code()).as(run.text()).isZero();
        assertThat(run.text()).contains("rows written                 : 400 ",
                "events processed             : 400 (distinct rows 400, missing 0)",
                "stale reads                  : 0 ",
                "summaries equal SQL recompute: yes (", "DEMO OK");
        assertThat(run.text()).containsPattern("tasks run                    : [1-9][0-9,]* \\(shop.task_runs\\)");
    }

    @Test
    void celeryRefusesAnExternalDatabaseAsItStartsItsOwnReplica() throws Exception {
        Output run = capture(() -> DemoMain.execute("demo", "--celery", "--config", CONFIG, "--db", "127.0.0.1:1"));

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.text()).contains("--celery starts its own server, a replica of it");
    }

    private record Output(int code, String text) {
    }

    /** Runs the demo with this JVM's standard output and error captured (the demo prints its result there). */
    private static Output capture(Callable<Integer> demo) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        try {
            int code = demo.call();
            return new Output(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            out.print(captured.toString(StandardCharsets.UTF_8));
        }
    }
}
