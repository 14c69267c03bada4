package io.cdcrunner.visibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import io.cdcrunner.localdb.Flavor;
import io.cdcrunner.assembly.Pipelines;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.pipeline.Pipeline;
import io.cdcrunner.pipeline.TestPipelines;
import io.cdcrunner.testdb.LocalTestDatabase;
import io.cdcrunner.testkit.DatabaseTest;

/**
 * Why the primary needs a barrier too, and why a locking read is one. A transaction is written to the binlog
 * before its InnoDB commit completes; normally the gap is microseconds, but an XA transaction that is
 * PREPAREd stays in it: both servers binlog it at XA PREPARE, the daemon receives its rows, and a plain read does
 * not see them until XA COMMIT. The barrier's locking read waits for that commit.
 */
@DatabaseTest
@ParameterizedClass(name = "{0}")
@EnumSource(Flavor.class)
class PrimaryCommitWindowTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static LocalTestDatabase db;

    @TempDir
    Path temp;

    @Parameter
    Flavor flavor;

    @BeforeParameterizedClassInvocation
    static void start(Flavor flavor) {
        db = new LocalTestDatabase(flavor);
        db.createCdcUser(TestPipelines.USER, TestPipelines.PASSWORD);
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        if (db != null) {
            db.close();
            db = null;
        }
    }

    private Pipeline pipeline(String name, String visibility) throws Exception {
        db.execute("CREATE DATABASE " + name);
        try (Connection c = db.rootConnection()) {
            FamilyWriters.createTable(c, name + ".rows");
        }
        RunnerConfig config = TestPipelines.config(db, Files.createDirectories(temp.resolve(name)), Map.of(
                "pipeline.name", name,
                "source.tables", name + ".rows",
                "processor.class", FamilyReadCheckProcessor.class.getName(),
                "processor.check.table", name + ".rows",
                "processor.read.visibility", visibility));
        return Pipelines.create(config);
    }

    /** Inserts row 1 of family 1 in an XA transaction and leaves it prepared: binlogged, not committed. */
    private static Connection prepareXaInsert(String name) throws Exception {
        Connection xa = db.rootConnection();
        try (Statement s = xa.createStatement()) {
            s.execute("XA START 'visibility'");
            s.execute("INSERT INTO " + name + ".rows (id, family, payload) VALUES (1, 1, 'prepared')");
            s.execute("XA END 'visibility'");
            s.execute("XA PREPARE 'visibility'");
        }
        return xa;
    }

    private static void commitXa(Connection xa) throws Exception {
        try (Statement s = xa.createStatement()) {
            s.execute("XA COMMIT 'visibility'");
        }
        xa.close();
    }

    private static long lockWaits() throws Exception {
        try (Connection c = db.rootConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.INNODB_TRX "
                     + "WHERE trx_state = 'LOCK WAIT'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void theBarrierHoldsTheProcessorUntilABinloggedTransactionCommits() throws Exception {
        FamilyReadCheckProcessor.Tally tally = FamilyReadCheckProcessor.track("xa_lock", new CommittedRows());
        try (Pipeline pipeline = pipeline("xa_lock", "auto")) {
            pipeline.start();
            Connection xa = prepareXaInsert("xa_lock");
            // The event arrived and the barrier's locking read is blocked on the prepared row.
            await().atMost(WAIT).until(() -> lockWaits() > 0);
            assertThat(tally.reads.get()).as("processor runs while the row is invisible").isZero();
            commitXa(xa);
            await().atMost(WAIT).until(() -> tally.reads.get() >= 1);
            pipeline.close();
            System.out.printf("[visibility] XA prepared on the primary, barrier %s: reads %d, stale %d, wait %.1f ms%n",
                    pipeline.visibility().method(), tally.reads.get(), tally.stale(),
                    pipeline.visibility().maxWaitMicros() / 1000.0);
            assertThat(pipeline.visibility().method()).isEqualTo("primary-lock");
            assertThat(tally.stale()).isZero();
        }
    }

    @Test
    void withoutTheBarrierTheProcessorReadsARowTheBinlogAlreadyAnnounced() throws Exception {
        FamilyReadCheckProcessor.Tally tally = FamilyReadCheckProcessor.track("xa_off", new CommittedRows());
        try (Pipeline pipeline = pipeline("xa_off", "off")) {
            pipeline.start();
            Connection xa = prepareXaInsert("xa_off");
            await().atMost(WAIT).until(() -> tally.reads.get() >= 1);
            commitXa(xa);
            pipeline.close();
            System.out.printf("[visibility] XA prepared on the primary, barrier off: reads %d, stale %d%n",
                    tally.reads.get(), tally.stale());
            assertThat(tally.missingOwnRow.get()).isEqualTo(1);
        }
    }

    @Test
    void rowsOfATableWithoutPrimaryKeyAreConfirmedByTheirValues() throws Exception {
        db.execute("CREATE DATABASE keyless",
                "CREATE TABLE keyless.rows (id BIGINT NOT NULL, family INT NOT NULL, payload VARCHAR(64))");
        RunnerConfig config = TestPipelines.config(db, Files.createDirectories(temp.resolve("keyless")), Map.of(
                "pipeline.name", "keyless",
                "source.tables", "keyless.rows",
                "processor.class", FamilyReadCheckProcessor.class.getName(),
                "processor.check.table", "keyless.rows"));
        FamilyReadCheckProcessor.Tally tally = FamilyReadCheckProcessor.track("keyless", new CommittedRows());
        try (Pipeline pipeline = Pipelines.create(config)) {
            pipeline.start();
            db.execute("INSERT INTO keyless.rows VALUES (1, 1, 'a')", "INSERT INTO keyless.rows VALUES (2, 1, NULL)");
            await().atMost(WAIT).until(() -> tally.reads.get() >= 2);
            pipeline.close();
            assertThat(pipeline.visibility().rowConfirmations()).isEqualTo(2);
            assertThat(tally.stale()).isZero();
        }
    }
}
