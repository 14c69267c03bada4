package io.cdcrunner.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.cdcrunner.binlog.backfill.BackfillMXBean;
import io.cdcrunner.binlog.backfill.Backfills;
import io.cdcrunner.config.RunnerKeys;
import io.cdcrunner.testkit.UnitTest;

/**
 * The files users deploy with: the Compose demo, the Dockerfile, the systemd unit and the Prometheus rules. Docker
 * does not run on the build machines, so these checks read the files (docker-compose.yml is YAML-parsed here; it
 * was also checked with {@code docker-compose config}).
 */
@UnitTest
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void composeRunsMySql84WithRowBinlogAndGtidsTheDaemonAndTheWriter() throws Exception {
        JsonNode compose = YAML.readTree(ROOT.resolve("docker/docker-compose.yml").toFile());
        JsonNode services = compose.get("services");
        assertThat(services.has("mysql") && services.has("cdc-runner") && services.has("demo-writer")).isTrue();

        JsonNode mysql = services.get("mysql");
        assertThat(mysql.get("image").asText()).isEqualTo("mysql:8.4");
        assertThat(texts(mysql.get("command"))).contains("--binlog-format=ROW", "--binlog-row-image=FULL",
                "--gtid-mode=ON", "--enforce-gtid-consistency=ON", "--log-bin=binlog");
        assertThat(mysql.get("volumes").toString()).contains("./mysql-init:/docker-entrypoint-initdb.d");
        assertThat(mysql.get("healthcheck").get("test").toString()).doesNotContain("-p");

        JsonNode daemon = services.get("cdc-runner");
        assertThat(daemon.get("build").get("dockerfile").asText()).isEqualTo("docker/Dockerfile");
        assertThat(daemon.get("depends_on").get("mysql").get("condition").asText()).isEqualTo("service_healthy");
        assertThat(Duration.parse("PT" + daemon.get("stop_grace_period").asText().toUpperCase()))
                .as("longer than shutdown.timeout.ms").isGreaterThan(Duration.ofMillis(30_000));

        JsonNode writer = services.get("demo-writer");
        assertThat(texts(writer.get("command")).get(0)).isEqualTo("demo-writer");
        assertThat(writer.get("depends_on").get("cdc-runner").get("condition").asText()).isEqualTo("service_healthy");

        assertPasswordsInterpolated(services);
    }

    @Test
    void theScalingOutComposeRunsKraftKafkaAConnectWorkerTheConnectorAndThreeMembersOfOneGroup() throws Exception {
        JsonNode services = YAML.readTree(ROOT.resolve("docker/scaling-out.yml").toFile()).get("services");
        assertThat(services.get("mysql").get("image").asText()).isEqualTo("mysql:8.4");
        JsonNode kafka = services.get("kafka").get("environment");
        assertThat(kafka.get("KAFKA_PROCESS_ROLES").asText()).as("KRaft, no ZooKeeper").isEqualTo("broker,controller");
        assertThat(services.get("kafka").get("image").asText()).startsWith("apache/kafka:4.1");

        // The worker runs from the image's lib/, which holds the Connect runtime and the connectors.
        JsonNode connect = services.get("connect");
        assertThat(texts(connect.get("entrypoint"))).containsSubsequence("-cp", "/opt/cdc-runner/lib/*",
                "org.apache.kafka.connect.cli.ConnectDistributed", "/etc/cdc-runner/connect-worker.properties");
        java.util.Properties worker = new java.util.Properties();
        try (var in = Files.newBufferedReader(ROOT.resolve("docker/connect-worker.properties"))) {
            worker.load(in);
        }
        assertThat(worker.getProperty("config.providers.env.class"))
                .as("resolves connector-config's ${env:CDC_SOURCE_PASSWORD}")
                .isEqualTo("org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        assertThat(Class.forName(worker.getProperty("config.providers.env.class"))).isNotNull();
        assertThat(connect.get("environment").has("CDC_SOURCE_PASSWORD")).isTrue();

        assertThat(texts(services.get("connector").get("command"))).containsSubsequence("connector-config", "--apply",
                "http://connect:8083");
        JsonNode members = services.get("cdc-runner");
        assertThat(members.get("deploy").get("replicas").asInt()).isEqualTo(3);
        assertThat(members.get("depends_on").get("connector").get("condition").asText())
                .isEqualTo("service_completed_successfully");

        // The members' file is a valid source.type=kafka configuration (passwords from the environment).
        io.cdcrunner.config.RunnerConfig config = io.cdcrunner.config.ConfigLoader.load(
                ROOT.resolve("docker/scaling-out.properties"),
                Map.of("CDC_SOURCE_PASSWORD", "x", "CDC_PROCESSOR_JDBC_PASSWORD", "y"), new java.util.Properties());
        assertThat(config.sourceType()).isEqualTo(io.cdcrunner.config.SourceSettings.SourceType.KAFKA);
        assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(config.kafka().connectUrl()).contains("http://connect:8083");
        assertPasswordsInterpolated(services);
    }

    /** Every password is interpolated from docker/.env, never written in the file. */
    private static void assertPasswordsInterpolated(JsonNode services) {
        for (JsonNode service : services) {
            if (service.has("environment")) {
                JsonNode environment = service.get("environment");
                environment.fieldNames().forEachRemaining(variable -> {
                    if (variable.contains("PASSWORD")) {
                        assertThat(environment.get(variable).asText()).as(variable).startsWith("${");
                    }
                });
            }
        }
    }

    @Test
    void theInitScriptCreatesLeastPrivilegeAccountsFromTheEnvironment() throws Exception {
        String init = Files.readString(ROOT.resolve("docker/mysql-init/01-cdc-runner.sh"));
        assertThat(init).contains("GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'cdc'@'%'")
                .contains("GRANT SELECT, INSERT, UPDATE, DELETE, CREATE ON shop.* TO 'cdc_app'@'%'")
                .contains("IDENTIFIED BY '${CDC_PASSWORD}'")
                .doesNotContain("ALL PRIVILEGES")
                .doesNotContain("-p\"$MYSQL_ROOT_PASSWORD\"");
    }

    @Test
    void theImageIsMultiStageRunsAsAnUnprivilegedUserAndChecksHealthWithStatus() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
        assertThat(Pattern.compile("(?m)^FROM ").matcher(dockerfile).results().count()).isEqualTo(2);
        assertThat(dockerfile).containsPattern("(?m)^FROM maven:\\S+ AS build$")
                .containsPattern("(?m)^ARG JRE_IMAGE=eclipse-temurin:17-jre$")
                .containsPattern("(?m)^FROM \\$\\{JRE_IMAGE\\}$")
                .containsPattern("(?m)^USER cdc-runner$")
                .contains("CMD [\"cdc-runner\", \"status\", \"--jmx\", \"127.0.0.1:9010\", \"--jmx-password-file\","
                        + " \"/var/lib/cdc-runner/jmx.password\"")
                .contains("ENTRYPOINT [\"docker-entrypoint\"]");
        // Remote JMX needs a password file: the entry point makes one the health check reads.
        assertThat(Files.readString(ROOT.resolve("docker/entrypoint.sh")))
                .contains("passwords=/var/lib/cdc-runner/jmx.password", "umask 077",
                        "export CDC_JMX_REMOTE_PASSWORD_FILE", "exec cdc-runner \"$@\"");
        assertThat(dockerfile.indexOf("USER cdc-runner")).isGreaterThan(dockerfile.lastIndexOf("FROM "));
    }

    @Test
    void theImageBuildLoadsEveryModuleAndTheComposeWriterRunsFromTheDemoJar() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
        // Maven loads the whole reactor even for -pl: a module whose POM is not copied fails the build.
        java.util.regex.Matcher modules = Pattern.compile("<module>([^<]+)</module>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        while (modules.find()) {
            assertThat(dockerfile).as("the image build copies %s/pom.xml", modules.group(1))
                    .contains("COPY " + modules.group(1) + "/pom.xml " + modules.group(1) + "/");
        }
        assertThat(dockerfile).contains("COPY --from=build /opt/cdc-runner-demo /opt/cdc-runner-demo");
        assertThat(Files.readString(ROOT.resolve("docker/entrypoint.sh")))
                .contains("if [ \"${1:-}\" = demo-writer ]; then", "java -jar /opt/cdc-runner-demo/cdc-runner-demo.jar");
    }

    @Test
    void theSystemdUnitRestartsOnFailureIsHardenedAndWaitsLongerThanTheShutdownTimeout() throws Exception {
        Map<String, List<String>> unit = unitSettings(Files.readString(ROOT.resolve("config/cdc-runner.service")));
        assertThat(unit.get("Restart")).containsExactly("on-failure");
        assertThat(unit.get("RestartPreventExitStatus")).containsExactly("2");
        assertThat(unit.get("User")).containsExactly("cdc-runner");
        for (String hardening : List.of("NoNewPrivileges", "ProtectHome", "PrivateTmp")) {
            assertThat(unit.get(hardening)).as(hardening).containsExactly("yes");
        }
        assertThat(unit.get("ProtectSystem")).containsExactly("strict");
        assertThat(unit.get("ReadWritePaths")).containsExactly("/var/lib/cdc-runner");
        assertThat(unit.get("StateDirectoryMode")).containsExactly("0700");
        assertThat(unit.get("EnvironmentFile")).containsExactly("-/etc/cdc-runner/secrets.env");
        assertThat(unit.get("ExecStart").get(0)).doesNotContainIgnoringCase("password");

        long shutdownMillis = Long.parseLong(RunnerKeys.SHUTDOWN_TIMEOUT.defaultText().orElseThrow());
        Matcher stop = Pattern.compile("(\\d+)s").matcher(unit.get("TimeoutStopSec").get(0));
        assertThat(stop.matches()).isTrue();
        assertThat(Long.parseLong(stop.group(1)) * 1000).isGreaterThan(shutdownMillis);
    }

    @Test
    void thePrometheusRulesNameTheCountersWithAPipelineLabel() throws Exception {
        JsonNode rules = YAML.readTree(ROOT.resolve("config/jmx-exporter.yml").toFile());
        List<String> names = new ArrayList<>();
        for (JsonNode rule : rules.get("rules")) {
            names.add(rule.get("name").asText());
        }
        assertThat(names).contains("cdc_runner_pipeline_events_processed", "cdc_runner_pipeline_events_received",
                "cdc_runner_pipeline_events_failed", "cdc_runner_pipeline_events_retried",
                "cdc_runner_pipeline_events_dead_lettered", "cdc_runner_pipeline_events_skipped_as_duplicates",
                "cdc_runner_pipeline_millis_behind_source", "cdc_runner_pipeline_processing_time_millis",
                "cdc_runner_pipeline_commit_to_processed_millis");
    }

    @Test
    void everyNumberOfTheBackfillMBeanHasAPrometheusRule() throws Exception {
        JsonNode rules = YAML.readTree(ROOT.resolve("config/jmx-exporter.yml").toFile());
        assertThat(texts(rules.get("includeObjectNames"))).contains("cdc.runner:type=Backfill,*");
        // What the exporter matches the rules against: domain<keys in the name's order><>Attribute: value.
        String bean = "cdc.runner<" + Backfills.objectName("shop").getKeyPropertyListString().replace(",", ", ")
                + "><>";
        List<String> numbers = new ArrayList<>();
        for (Method getter : BackfillMXBean.class.getMethods()) {
            if (getter.getName().startsWith("get") && (getter.getReturnType() == long.class
                    || getter.getReturnType() == double.class)) {
                numbers.add(getter.getName().substring(3));
            }
        }
        assertThat(numbers).containsExactlyInAnyOrder("RowsDelivered", "ChunksRead", "RowsPerSecond",
                "EstimatedSecondsLeft");
        for (String attribute : numbers) {
            String line = bean + attribute + ": 12";
            JsonNode rule = null;
            for (JsonNode candidate : rules.get("rules")) {
                if (Pattern.compile(candidate.get("pattern").asText()).matcher(line).matches()) {
                    rule = candidate;
                    break;
                }
            }
            assertThat(rule).as("a rule for " + line).isNotNull();
            assertThat(rule.get("name").asText()).startsWith("cdc_runner_backfill_");
            assertThat(rule.get("labels").get("pipeline").asText()).isEqualTo("$1");
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    private static Map<String, List<String>> unitSettings(String unit) {
        Map<String, List<String>> settings = new LinkedHashMap<>();
        for (String line : unit.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("[")) {
                continue;
            }
            int equals = trimmed.indexOf('=');
            settings.computeIfAbsent(trimmed.substring(0, equals), k -> new ArrayList<>()).add(trimmed.substring(equals + 1));
        }
        return settings;
    }
}
