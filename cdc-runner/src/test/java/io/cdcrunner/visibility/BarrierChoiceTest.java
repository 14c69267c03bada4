package io.cdcrunner.visibility;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.cdcrunner.config.JdbcTarget;
import io.cdcrunner.config.ReadSettings;
import io.cdcrunner.config.ReadSettings.Visibility;
import io.cdcrunner.config.Secret;
import io.cdcrunner.delivery.VisibilityBarrier;
import io.cdcrunner.processor.ServerFlavor;
import io.cdcrunner.testkit.UnitTest;

@UnitTest
class BarrierChoiceTest {

    private static ReadTopology mariaDb(boolean replica) {
        return new ReadTopology(ServerFlavor.MARIADB, "127.0.0.1:3307", replica ? 2 : 1, 1, false, true, true, true);
    }

    private static ReadTopology mySql(boolean replica, boolean gtids) {
        return new ReadTopology(ServerFlavor.MYSQL, "127.0.0.1:3307", replica ? 2 : 1, 1, false, gtids, true, true);
    }

    private static ReadSettings settings(Visibility visibility) {
        return new ReadSettings(new JdbcTarget("jdbc:mysql://127.0.0.1:3306/", "cdc", new Secret("")), false, visibility,
                Duration.ofSeconds(10));
    }

    @Test
    void autoPicksByFlavorAndTopology() {
        assertThat(BarrierChoice.auto(mariaDb(true))).isEqualTo(Visibility.GTID_WAIT);
        assertThat(BarrierChoice.auto(mariaDb(false))).isEqualTo(Visibility.PRIMARY_LOCK);
        assertThat(BarrierChoice.auto(mySql(true, true))).isEqualTo(Visibility.GTID_WAIT);
        // Not gtid-wait on a MySQL primary: an XA transaction's GTID is executed at XA PREPARE, before its rows show.
        assertThat(BarrierChoice.auto(mySql(false, true))).isEqualTo(Visibility.PRIMARY_LOCK);
        assertThat(BarrierChoice.auto(mySql(false, false))).isEqualTo(Visibility.PRIMARY_LOCK);
        assertThat(BarrierChoice.auto(mySql(true, false))).isEqualTo(Visibility.ROW_POLL);
    }

    @Test
    void aReplicaIsRecognizedByItsStatusRowEvenWithTheSameServerId() {
        ReadTopology sameId = new ReadTopology(ServerFlavor.MARIADB, "h:1", 1, 1, true, true, true, true);
        assertThat(sameId.isReplica()).isTrue();
        assertThat(BarrierChoice.auto(sameId)).isEqualTo(Visibility.GTID_WAIT);
    }

    @Test
    void refusesMethodsThatCannotWorkWhereTheProcessorReads() {
        VisibilityMetrics metrics = new VisibilityMetrics();
        assertThatThrownBy(() -> BarrierChoice.choose(settings(Visibility.GTID_WAIT), mariaDb(false), null, () -> "",
                metrics)).hasMessageContaining("MASTER_GTID_WAIT").hasMessageContaining("primary-lock");
        assertThatThrownBy(() -> BarrierChoice.choose(settings(Visibility.PRIMARY_LOCK), mariaDb(true), null, () -> "",
                metrics)).hasMessageContaining("replica").hasMessageContaining("gtid-wait");
        assertThatThrownBy(() -> BarrierChoice.choose(settings(Visibility.GTID_WAIT), mySql(true, false), null,
                () -> "", metrics)).hasMessageContaining("gtid_mode");
    }

    @Test
    void offIsNoBarrierAndIsReportedAsTheMethod() {
        VisibilityMetrics metrics = new VisibilityMetrics();
        assertThat(BarrierChoice.choose(settings(Visibility.OFF), mariaDb(true), null, () -> "", metrics))
                .isSameAs(VisibilityBarrier.NONE);
        assertThat(metrics.method()).isEqualTo("off");
    }
}
