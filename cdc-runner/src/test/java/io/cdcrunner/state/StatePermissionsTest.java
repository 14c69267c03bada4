package io.cdcrunner.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.RecordingProcessor;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/** The state directory and everything in it belong to the daemon's user alone, whoever created them. */
@DatabaseTest
class StatePermissionsTest {

    @TempDir
    Path temp;

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void anExistingOpenStateDirectoryIsTightenedWithEverythingInIt() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("state"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path offsets = Files.writeString(dir.resolve("offsets.json"), "{}");
        Files.setPosixFilePermissions(offsets, PosixFilePermissions.fromString("rw-r--r--"));
        Path sub = Files.createDirectories(dir.resolve("aot"));
        Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path ownerOnlyAlready = Files.writeString(dir.resolve("readonly"), "x");
        Files.setPosixFilePermissions(ownerOnlyAlready, PosixFilePermissions.fromString("r--------"));

        List<String> changed = OwnerOnly.tighten(dir);

        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(offsets)).isEqualTo("rw-------");
        assertThat(mode(sub)).isEqualTo("rwx------");
        assertThat(mode(ownerOnlyAlready)).as("owner-only modes are left as chosen").isEqualTo("r--------");
        assertThat(changed).containsExactlyInAnyOrder(dir + " (rwxr-xr-x)", offsets + " (rw-r--r--)",
                sub + " (rwxrwxrwx)");
    }

    @Test
    void aStateDirectoryCreatedForTheDaemonIsOwnerOnly() throws Exception {
        // What check and run create the directory with (StateDirectoryCheck and StateDirectory call it).
        Path dir = temp.resolve("made-by-check");
        OwnerOnly.createDirectory(dir);
        assertThat(mode(dir)).isEqualTo("rwx------");
    }

    @Test
    void aRunningDaemonKeepsEveryStateFileOwnerOnly() throws Exception {
        try (LocalTestDatabase db = new LocalTestDatabase(Flavor.MARIADB)) {
            db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
            db.execute("CREATE DATABASE shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)");
            Path state = temp.resolve("daemon-state");
            RecordingProcessor.reset("modes");
            try (Pipeline pipeline = Pipelines.create(TestPipelines.config(db, Files.createDirectories(temp.resolve("cfg"))
                    .resolve("state"), Map.of("pipeline.name", "modes", "source.tables", "shop.orders",
                    "state.dir", state.toString(), "processor.fail.ids", "2", "processor.retry.max.attempts", "1")))) {
                pipeline.start();
                db.execute("INSERT INTO shop.orders VALUES (1), (2)");
                // Row 2 fails, so the dead-letter file exists too.
                await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(state.resolve("dead-letters.jsonl"))
                        && RecordingProcessor.events("modes").size() >= 1);
            }
            assertThat(mode(state)).isEqualTo("rwx------");
            try (Stream<Path> files = Files.list(state)) {
                assertThat(files.filter(Files::isRegularFile).toList()).isNotEmpty().allSatisfy(file ->
                        assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------"));
            }
            assertThat(state.resolve("schema-history.jsonl")).exists();
            assertThat(state.resolve("offsets.json")).exists();
        }
    }
}
