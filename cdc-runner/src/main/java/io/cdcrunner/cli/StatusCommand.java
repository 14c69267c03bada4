package io.cdcrunner.cli;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Optional;
import java.util.concurrent.Callable;

import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.cdcrunner.binlog.backfill.BackfillMXBean;
import io.cdcrunner.binlog.backfill.Backfills;
import io.cdcrunner.metrics.PipelineMXBean;
import io.cdcrunner.metrics.StatusReport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cdc-runner status --jmx HOST:PORT | --pid PID}: a running daemon's state, lag, rates, counters and last
 * error, and its backfill if it has had one, read over JMX. Exit 0 when healthy (a backfill does not change it), so it
 * serves as a Docker or Kubernetes health check.
 */
@Command(name = "status", description = "Show a running daemon's state, lag, rates, counters and last error "
        + "(read over JMX). Exit 0 when healthy, 4 when not, 5 when the daemon cannot be reached.")
final class StatusCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    JmxOptions.Target target;

    @Mixin
    JmxOptions jmx;

    @Option(names = "--json", description = "Print JSON for scripts instead of text.")
    boolean json;

    @Override
    public Integer call() {
        String where = target.describe();
        try (JMXConnector connector = jmx.connect(target)) {
            MBeanServerConnection connection = connector.getMBeanServerConnection();
            ObjectName name = jmx.pipelineMBean(connection, null);
            if (name == null) {
                printUnreachableJson(where, "no such pipeline");
                return ExitCodes.UNREACHABLE;
            }
            StatusReport report = StatusReport.of(JMX.newMXBeanProxy(connection, name, PipelineMXBean.class));
            Optional<BackfillReport> backfill = backfill(connection, report.pipeline());
            System.out.print(json ? toJson(report, backfill)
                    : report.render() + backfill.map(BackfillReport::summary).orElse(""));
            return report.healthy() ? ExitCodes.OK : ExitCodes.UNHEALTHY;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return ExitCodes.BAD_CONFIG;
        } catch (IOException | UndeclaredThrowableException e) {
            String reason = JmxOptions.unreachableReason(e);
            System.err.println("cannot reach a cdc-runner daemon at " + where + ": " + reason);
            printUnreachableJson(where, reason);
            return ExitCodes.UNREACHABLE;
        } catch (MalformedObjectNameException e) {
            System.err.println("--pipeline: " + e.getMessage());
            return ExitCodes.BAD_CONFIG;
        }
    }

    /** With --json, a health check parses the output whatever happened: say in JSON that nothing answered. */
    private void printUnreachableJson(String where, String reason) {
        if (!json) {
            return;
        }
        var node = new ObjectMapper().createObjectNode();
        node.put("reachable", false);
        node.put("healthy", false);
        node.put("target", where);
        node.put("error", reason);
        System.out.println(node.toPrettyString());
    }

    /**
     * The pipeline's backfill, when it has a backfill MBean (a binlog pipeline that streams) and has had a run; a
     * backfill that cannot be read leaves the status as it is.
     */
    private static Optional<BackfillReport> backfill(MBeanServerConnection connection, String pipeline) {
        try {
            ObjectName name = Backfills.objectName(pipeline);
            if (!connection.isRegistered(name)) {
                return Optional.empty();
            }
            BackfillReport report = BackfillReport.of(pipeline,
                    JMX.newMXBeanProxy(connection, name, BackfillMXBean.class));
            return report.any() ? Optional.of(report) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String toJson(StatusReport report, Optional<BackfillReport> backfill) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode tree = mapper.valueToTree(report);
        backfill.ifPresent(b -> tree.set("backfill", mapper.valueToTree(b)));
        return mapper.writeValueAsString(tree) + System.lineSeparator();
    }
}
