package io.cdcrunner.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.ConfigLoader;
import io.cdcrunner.config.JmxSettings;
import io.cdcrunner.testkit.UnitTest;

/**
 * Remote JMX against what a hostile local user tried: connecting without credentials, creating an MLet to load
 * their own class, running the JDK's diagnostic commands, reading the JVM's system properties. All refused; a
 * monitoring user reads, an operator also pauses and resumes pipelines and starts and stops backfills.
 */
@UnitTest
class RemoteJmxAccessTest {

    /** Stands in for a pipeline's MBean under the same domain. */
    public interface ProbeMBean {
        String getState();

        void setState(String state);

        void pause();

        void resume();
    }

    public static final class Probe implements ProbeMBean {
        volatile String state = "STREAMING";

        @Override
        public String getState() {
            return state;
        }

        @Override
        public void setState(String state) {
            this.state = state;
        }

        @Override
        public void pause() {
            state = "PAUSED";
        }

        @Override
        public void resume() {
            state = "STREAMING";
        }
    }

    /** Stands in for a pipeline's backfill MBean: its two operations. */
    public interface BackfillProbeMBean {
        String startBackfill(String tables, String where);

        String stopBackfill();
    }

    public static final class BackfillProbe implements BackfillProbeMBean {
        final java.util.List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public String startBackfill(String tables, String where) {
            calls.add("start " + tables + " where " + where);
            return "backfill b1 of " + tables + " started";
        }

        @Override
        public String stopBackfill() {
            calls.add("stop");
            return "stopping b1";
        }
    }

    private static final String[] START_SIGNATURE = {String.class.getName(), String.class.getName()};

    @TempDir
    Path temp;

    private final Probe probe = new Probe();
    private final BackfillProbe backfills = new BackfillProbe();
    private ObjectName pipeline;
    private ObjectName backfill;
    private RemoteJmx remote;
    private int port;

    @BeforeEach
    void start() throws Exception {
        pipeline = new ObjectName("cdc.runner:type=Pipeline,name=attacked");
        ManagementFactory.getPlatformMBeanServer().registerMBean(new StandardMBean(probe, ProbeMBean.class), pipeline);
        backfill = new ObjectName("cdc.runner:type=Backfill,name=attacked");
        ManagementFactory.getPlatformMBeanServer().registerMBean(new StandardMBean(backfills, BackfillProbeMBean.class),
                backfill);
        port = freePort();
        remote = RemoteJmx.start(new JmxSettings(port, "127.0.0.1",
                Optional.of(ownerOnly("jmx.password", "monitor m-secret\noperator o-secret\n")),
                Optional.of(ownerOnly("jmx.access", "# roles\nmonitor readonly\noperator readwrite\n")), false));
    }

    @AfterEach
    void stop() throws Exception {
        if (remote != null) {
            remote.close();
        }
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(pipeline);
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(backfill);
    }

    private Path ownerOnly(String name, String text) throws IOException {
        Path file = Files.writeString(temp.resolve(name), text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private JMXConnector connect(String user, String password) throws IOException {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        return JMXConnectorFactory.connect(url, user == null ? Map.of()
                : Map.of(JMXConnector.CREDENTIALS, new String[] {user, password}));
    }

    @Test
    void withoutCredentialsNoOneGetsIn() {
        assertThatThrownBy(() -> connect(null, null)).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> connect("monitor", "guess")).isInstanceOf(SecurityException.class);
    }

    @Test
    void aMonitoringUserReadsButCannotLoadCodeRunDiagnosticsReadPropertiesOrPause() throws Exception {
        try (JMXConnector jmx = connect("monitor", "m-secret")) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            assertThat(server.getAttribute(pipeline, "State")).isEqualTo("STREAMING");
            assertThat(server.queryNames(new ObjectName("cdc.runner:*"), null)).contains(pipeline);

            assertRefused(() -> server.createMBean("javax.management.loading.MLet", new ObjectName("evil:type=MLet")));
            assertRefused(() -> server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "vmSystemProperties", null, null));
            assertRefused(() -> server.getAttribute(new ObjectName("java.lang:type=Runtime"), "SystemProperties"));
            assertRefused(() -> server.getAttribute(new ObjectName("java.lang:type=Runtime"), "InputArguments"));
            assertRefused(() -> server.setAttribute(pipeline, new Attribute("State", "HACKED")));
            assertRefused(() -> server.unregisterMBean(pipeline));
            assertRefused(() -> server.invoke(pipeline, "pause", null, null));
            assertThat(probe.state).isEqualTo("STREAMING");
            assertThat(ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName("evil:type=MLet")))
                    .isFalse();
        }
    }

    @Test
    void anOperatorPausesAndResumesAndCanDoNothingMore() throws Exception {
        try (JMXConnector jmx = connect("operator", "o-secret")) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            server.invoke(pipeline, "pause", null, null);
            assertThat(probe.state).isEqualTo("PAUSED");
            server.invoke(pipeline, "resume", null, null);
            assertThat(probe.state).isEqualTo("STREAMING");

            assertRefused(() -> server.createMBean("javax.management.loading.MLet", new ObjectName("evil:type=MLet")));
            assertRefused(() -> server.invoke(new ObjectName("com.sun.management:type=HotSpotDiagnostic"), "dumpHeap",
                    new Object[] {temp.resolve("heap.hprof").toString(), true},
                    new String[] {String.class.getName(), boolean.class.getName()}));
            assertRefused(() -> server.setAttribute(pipeline, new Attribute("State", "HACKED")));
            assertThat(temp.resolve("heap.hprof")).doesNotExist();
        }
    }

    @Test
    void onlyAnOperatorStartsAndStopsBackfills() throws Exception {
        try (JMXConnector jmx = connect("monitor", "m-secret")) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            assertRefused(() -> server.invoke(backfill, "startBackfill", new Object[] {"shop.orders", ""},
                    START_SIGNATURE));
            assertRefused(() -> server.invoke(backfill, "stopBackfill", null, null));
        }
        assertThat(backfills.calls).isEmpty();

        try (JMXConnector jmx = connect("operator", "o-secret")) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            assertThat(server.invoke(backfill, "startBackfill", new Object[] {"shop.orders", "id > 5"},
                    START_SIGNATURE)).isEqualTo("backfill b1 of shop.orders started");
            assertThat(server.invoke(backfill, "stopBackfill", null, null)).isEqualTo("stopping b1");
        }
        assertThat(backfills.calls).containsExactly("start shop.orders where id > 5", "stop");
    }

    @Test
    void withoutAnAccessFileEveryUserIsReadOnlyAndStillCannotLoadCode() throws Exception {
        // Without an access file the JDK lets every authenticated user do anything; the daemon's own guard does not.
        remote.close();
        port = freePort();
        remote = RemoteJmx.start(new JmxSettings(port, "127.0.0.1",
                Optional.of(ownerOnly("jmx.password2", "operator o-secret\n")), Optional.empty(), false));
        try (JMXConnector jmx = connect("operator", "o-secret")) {
            MBeanServerConnection server = jmx.getMBeanServerConnection();
            assertThat(server.getAttribute(pipeline, "State")).isEqualTo("STREAMING");
            assertThatThrownBy(() -> server.createMBean("javax.management.loading.MLet", new ObjectName("evil:type=MLet")))
                    .isInstanceOf(SecurityException.class).hasMessageContaining("not allowed over remote JMX: createMBean");
            assertThatThrownBy(() -> server.invoke(pipeline, "pause", null, null))
                    .isInstanceOf(SecurityException.class).hasMessageContaining("'pause' for user operator");
            assertThatThrownBy(() -> server.invoke(backfill, "startBackfill", new Object[] {"shop.orders", ""},
                    START_SIGNATURE)).isInstanceOf(SecurityException.class)
                    .hasMessageContaining("'startBackfill' for user operator (operators are the readwrite users of"
                            + " jmx.remote.access.file)");
            assertThat(backfills.calls).isEmpty();
            assertThatThrownBy(() -> server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "vmSystemProperties", null, null)).isInstanceOf(SecurityException.class)
                    .hasMessageContaining("not allowed over remote JMX: invoke");
            assertThatThrownBy(() -> server.getAttribute(new ObjectName("java.lang:type=Runtime"), "SystemProperties"))
                    .isInstanceOf(SecurityException.class).hasMessageContaining("SystemProperties");
            assertThat(probe.state).isEqualTo("STREAMING");
        }
    }

    @Test
    void remoteJmxWithoutPasswordsIsAConfigurationErrorAndOffLoopbackItNeedsTls() throws Exception {
        ConfigException noPasswords = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.fromMap(Map.of(
                "source.host", "db", "source.user", "cdc", "jmx.remote.port", "9010")));
        assertThat(noPasswords.getMessage()).contains("jmx.remote.password.file", "any local user", "chmod 600");

        IOException clear = catchThrowableOfType(IOException.class, () -> RemoteJmx.start(new JmxSettings(freePort(),
                "0.0.0.0", Optional.of(ownerOnly("p2", "monitor x\n")), Optional.empty(), false)));
        assertThat(clear.getMessage()).contains("jmx.remote.ssl=true");
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertRefused(Call call) {
        assertThatThrownBy(call::run).isInstanceOf(SecurityException.class);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
