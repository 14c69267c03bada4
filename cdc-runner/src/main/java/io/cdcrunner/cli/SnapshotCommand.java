package io.cdcrunner.cli;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Callable;

import javax.management.InstanceNotFoundException;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.cdcrunner.binlog.backfill.BackfillMXBean;
import io.cdcrunner.binlog.backfill.Backfills;
import io.cdcrunner.config.ConfigException;
import io.cdcrunner.config.JmxSettings;
import io.cdcrunner.config.Redaction;
import io.cdcrunner.config.RunnerConfig;
import io.cdcrunner.config.SourceSettings;
import io.cdcrunner.core.PipelineState;
import io.cdcrunner.errors.Causes;
import io.cdcrunner.metrics.PipelineMXBean;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cdc-runner snapshot --tables db.t [--where COND] | --status [--json] | --stop}: a running daemon's backfills
 * (rows already in captured tables read again while streaming goes on), asked for, shown and stopped over JMX through
 * its {@link BackfillMXBean}. Exit 0 when the daemon answered, 2 when it refused, 5 when no daemon serving backfills
 * could be reached.
 */
@Command(name = "snapshot", description = {
        "Ask a running daemon for a backfill (the rows already in captured tables, read again while streaming goes "
                + "on), show its progress, or stop it; over JMX, like status.",
        "Exit 0 when the daemon answered, 2 when it refused the request (the reason is printed), 5 when no daemon "
                + "serving backfills can be reached."})
final class SnapshotCommand implements Callable<Integer> {

    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]");

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    /** One of the three forms. */
    static final class Action {
        @ArgGroup(exclusive = false, multiplicity = "1")
        Request request;

        @ArgGroup(exclusive = false, multiplicity = "1")
        Report report;

        @Option(names = "--stop", description = "Stop the run in progress and drop the queued ones; rows already "
                + "delivered stay delivered.")
        boolean stop;
    }

    static final class Request {
        @Option(names = "--tables", required = true, paramLabel = "DB.TABLE[,DB.TABLE...]",
                description = "Captured tables to backfill, comma-separated.")
        String tables;

        @Option(names = "--where", paramLabel = "CONDITION",
                description = "SQL condition the rows must meet, as after WHERE, on every table. Default: every row.")
        String where;
    }

    static final class Report {
        @Option(names = "--status", required = true,
                description = "Show the run in progress (else the last one), the queued runs and the recent ones.")
        boolean status;

        @Option(names = "--json", description = "With --status: print JSON for scripts instead of text.")
        boolean json;
    }

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The daemon's properties file: its pipeline.name, and its jmx.remote.host, jmx.remote.port "
                    + "and jmx.remote.ssl when neither --jmx nor --pid is given.")
    Path configFile;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    JmxOptions.Target target;

    @Mixin
    JmxOptions jmx;

    @Override
    public Integer call() {
        RunnerConfig config = null;
        if (configFile != null) {
            try {
                config = ConfigOption.load(configFile);
            } catch (ConfigException e) {
                ConfigOption.printProblems(e);
                return ExitCodes.BAD_CONFIG;
            }
        }
        JmxOptions.Target daemon = target != null ? target : configuredTarget(config);
        if (daemon == null) {
            return ExitCodes.BAD_CONFIG;
        }
        boolean configuredTls = target == null && config.jmx().ssl();
        try (JMXConnector connector = jmx.connect(daemon, configuredTls)) {
            MBeanServerConnection connection = connector.getMBeanServerConnection();
            ObjectName pipelineName = jmx.pipelineMBean(connection, config == null ? null : config.pipelineName());
            if (pipelineName == null) {
                return ExitCodes.UNREACHABLE;
            }
            PipelineMXBean pipeline = JMX.newMXBeanProxy(connection, pipelineName, PipelineMXBean.class);
            String name = pipeline.getPipelineName();
            ObjectName backfillName = Backfills.objectName(name);
            if (!connection.isRegistered(backfillName)) {
                System.err.println(whyNoBackfills(pipeline, config));
                return ExitCodes.UNREACHABLE;
            }
            return act(name, JMX.newMXBeanProxy(connection, backfillName, BackfillMXBean.class), daemon);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return ExitCodes.BAD_CONFIG;
        } catch (IOException | UndeclaredThrowableException e) {
            System.err.println("cannot reach a cdc-runner daemon at " + daemon.describe() + ": "
                    + JmxOptions.unreachableReason(e));
            return ExitCodes.UNREACHABLE;
        } catch (MalformedObjectNameException e) {
            System.err.println("--pipeline: " + e.getMessage());
            return ExitCodes.BAD_CONFIG;
        }
    }

    /** Runs the form asked for and prints the answer, or why there is none. */
    private int act(String pipeline, BackfillMXBean backfills, JmxOptions.Target daemon) throws IOException {
        try {
            if (action.report != null) {
                BackfillReport report = BackfillReport.of(pipeline, backfills);
                System.out.print(action.report.json ? new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(report) + System.lineSeparator() : report.render());
            } else if (action.request != null) {
                System.out.println(backfills.startBackfill(action.request.tables,
                        action.request.where == null ? "" : action.request.where));
            } else {
                System.out.println(backfills.stopBackfill());
            }
            return ExitCodes.OK;
        } catch (RuntimeException e) {
            return refused(e, daemon);
        }
    }

    /**
     * What the daemon answered instead of a result: the JMX guard's refusal, or the MBean's exception, which arrives
     * wrapped (a {@code RuntimeMBeanException}, an {@code MBeanException}, an {@link UndeclaredThrowableException}).
     */
    private int refused(RuntimeException e, JmxOptions.Target daemon) {
        for (Throwable t : Causes.chain(e)) {
            if (t instanceof IOException || t instanceof InstanceNotFoundException) {
                System.err.println("cannot reach a cdc-runner daemon at " + daemon.describe() + ": "
                        + JmxOptions.unreachableReason(e));
                return ExitCodes.UNREACHABLE;
            }
            if (t instanceof SecurityException) {
                System.err.println("refused: " + Causes.innermostMessage(t));
                System.err.println(action.report != null
                        ? "the JMX user may not read the backfill MBean: list it in the daemon's jmx.remote.access.file"
                        : "starting and stopping backfills is for operators: the JMX user (--jmx-user) needs readwrite"
                                + " in the daemon's jmx.remote.access.file");
                return ExitCodes.BAD_CONFIG;
            }
        }
        System.err.println(Redaction.mask(Causes.innermostMessage(e)));
        return ExitCodes.BAD_CONFIG;
    }

    /** The configuration's remote JMX address; null (after saying what to give instead) when it has none. */
    private JmxOptions.Target configuredTarget(RunnerConfig config) {
        if (config == null) {
            System.err.println("name the daemon: --pid PID, --jmx HOST:PORT, or --config FILE with its"
                    + " jmx.remote.port");
            return null;
        }
        JmxSettings settings = config.jmx();
        if (!settings.enabled()) {
            System.err.println(configFile + " sets no jmx.remote.port: name the daemon with --pid PID (same user, this"
                    + " machine) or --jmx HOST:PORT");
            return null;
        }
        String host = WILDCARDS.contains(settings.host()) ? "127.0.0.1" : settings.host();
        return JmxOptions.Target.remote((host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":"
                + settings.port());
    }

    /**
     * Why a pipeline has no backfill MBean: it reads Kafka topics, waits as a standby, has not started its source, or
     * has ended. The configuration, when given, says which source it reads; else the pipeline's own figures hint at it
     * (partitions are a Kafka member's).
     */
    private static String whyNoBackfills(PipelineMXBean pipeline, RunnerConfig config) {
        String name = "pipeline '" + pipeline.getPipelineName() + "'";
        PipelineState state = Arrays.stream(PipelineState.values())
                .filter(s -> s.name().equals(pipeline.getState())).findFirst().orElse(PipelineState.STREAMING);
        String[] partitions = pipeline.getSourcePartitions();
        boolean kafka = config != null ? config.sourceType() == SourceSettings.SourceType.KAFKA
                : partitions != null && partitions.length > 0;
        if (kafka) {
            return name + " reads Kafka topics (source.type=kafka): backfills are not supported there, only with the"
                    + " binlog (source.type=binlog)";
        }
        return switch (state) {
            case STANDBY -> name + " is a standby here (ha.enabled): another instance holds the lease and streams;"
                    + " ask that one ('cdc-runner status' on each instance shows which streams)";
            case STARTING -> name + " is still starting: backfills are served once it streams; try again then";
            case STOPPING, STOPPED, FAILED -> name + " is " + state + ": backfills are served only while it"
                    + " streams";
            case SNAPSHOTTING, STREAMING -> name + " is " + state + " but serves no backfills: it reads Kafka topics"
                    + " (source.type=kafka; backfills are not supported there), or the daemon's log says why it could"
                    + " not register them";
        };
    }
}
