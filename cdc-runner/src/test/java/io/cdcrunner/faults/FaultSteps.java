package io.cdcrunner.faults;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.cdcrunner.localdb.Flavor;

/** Steps the fault tests share: waiting on the daemon while noticing when it died. */
final class FaultSteps {

    private FaultSteps() {
    }

    /**
     * Where a test's daemon output goes: {@code <temp>/logs}, deleted with the test's temporary directory, or
     * {@code <dir>/<test>} when {@code -Dcdc.faults.logs=<dir>} asks to keep the logs.
     */
    static Path logDir(Path temp, String test) {
        String keep = System.getProperty("cdc.faults.logs");
        return keep == null || keep.isBlank() ? temp.resolve("logs") : Path.of(keep, test);
    }

    /** As above, for a test that runs on each server: {@code cdc.faults.logs/<test>-<flavor>}. */
    static Path logDir(Path temp, String test, Flavor flavor) {
        return logDir(temp, test + "-" + flavor.name().toLowerCase(Locale.ROOT));
    }

    /**
     * Waits until the daemon recorded its start position ({@code state.dir/offsets.json}): rows committed before
     * that would not be delivered on a first start, so writers start only after it.
     */
    static void awaitStartPosition(DaemonProcess daemon, Path stateDir, Duration timeout) {
        Path offsets = stateDir.resolve("offsets.json");
        awaitWhileAlive(daemon, timeout, "the daemon to record its start position in " + offsets,
                () -> Files.exists(offsets));
    }

    /**
     * Waits for {@code condition}, failing at once (with the daemon's output and likely cause) when the daemon
     * process ends instead.
     */
    static void awaitWhileAlive(DaemonProcess daemon, Duration timeout, String what, Callable<Boolean> condition) {
        awaitWhileAlive(daemon, timeout, Duration.ofMillis(200), what, condition);
    }

    /** {@link #awaitWhileAlive(DaemonProcess, Duration, String, Callable)}, checking every {@code poll}. */
    static void awaitWhileAlive(DaemonProcess daemon, Duration timeout, Duration poll, String what,
                                Callable<Boolean> condition) {
        try {
            await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(poll).until(() -> {
                if (condition.call()) {
                    return true;
                }
                if (!daemon.isAlive()) {
                    fail(DaemonOutput.explain("while waiting for " + what + ", daemon run " + daemon.runs()
                            + " exited by itself with code " + daemon.waitFor(Duration.ofSeconds(5)),
                            daemon.outputText()));
                }
                return false;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            fail(DaemonOutput.explain("timed out after " + timeout.toSeconds() + " s waiting for " + what,
                    daemon.outputText()));
        }
    }

    /** What the daemon logs once its run command handles signals and has read its configuration. */
    static final String RUNNING = "effective configuration";

    /**
     * Stops the daemon with SIGTERM and expects exit code 0 (a clean stop). Waits first until the run reached its
     * run command (a SIGTERM before the JVM reaches {@code main} ends it with 143: nothing of the daemon runs yet).
     */
    static void stopCleanly(DaemonProcess daemon) {
        awaitWhileAlive(daemon, Duration.ofSeconds(60), "run " + daemon.runs() + " to reach its run command",
                () -> daemon.outputText().contains(RUNNING));
        daemon.sigterm();
        int code = daemon.waitFor(Duration.ofSeconds(60));
        if (code != 0) {
            fail(DaemonOutput.explain("after SIGTERM the daemon exited with " + code + ", expected 0 (clean stop)",
                    daemon.outputText()));
        }
    }

    /** True when the file is missing or holds only blanks. */
    static boolean absentOrEmpty(Path file) {
        try {
            return !Files.exists(file) || Files.readString(file).isBlank();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String readOrEmpty(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
