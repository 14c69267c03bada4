package io.cdcrunner.cli;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.Path;
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

import io.cdcrunner.errors.Causes;
import io.cdcrunner.metrics.PipelineMXBean;
import io.cdcrunner.metrics.PipelineMonitoring;
import io.cdcrunner.metrics.StatusReport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cdc-runner status --jmx HOST:PORT | --pid PID}: a running daemon's state, lag, rates, counters and last
 * error, read over JMX. Exit 0 when healthy, so it serves as a Docker or Kubernetes health check.
 */
@Command(name = "status", description = "Show a running daemon's state, lag, rates, counters and last error "
        + "(read over JMX). Exit 0 when healthy, 4 when not, 5 when the daemon cannot be reached.")
final class StatusCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--jmx", paramLabel = "HOST:PORT",
                description = "The daemon's remote JMX address (its jmx.remote.host and jmx.remote.port).")
        String jmx;

        @Option(names = "--pid", paramLabel = "PID",
                description = "Process id of a daemon of this user on this machine (needs a JDK: Attach API).")
        Long pid;
    }

    @Option(names = "--pipeline", paramLabel = "NAME",
            description = "pipeline.name to show; needed only if the daemon runs several pipelines.")
    String pipeline;

    @Option(names = "--json", description = "Print JSON for scripts instead of text.")
    boolean json;

    @Option(names = "--jmx-user", paramLabel = "USER", description = "JMX user, when jmx.remote.password.file is set.")
    String user;

    @Option(names = "--jmx-password-file", paramLabel = "FILE",
            description = "File with the JMX password: the daemon's password file, or one holding just the password.")
    Path passwordFile;

    @Option(names = "--jmx-ssl", description = "The daemon serves JMX over TLS (jmx.remote.ssl=true).")
    boolean ssl;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Give up connecting after this long. Default: ${DEFAULT-VALUE}")
    long timeoutSeconds;

    @Override
    public Integer call() {
        String where = target.jmx != null ? target.jmx : "process " + target.pid;
        try (JMXConnector connector = target.jmx != null
                ? DaemonConnection.remote(target.jmx, user, passwordFile, ssl, timeoutSeconds)
                : DaemonConnection.local(target.pid, timeoutSeconds)) {
            MBeanServerConnection connection = connector.getMBeanServerConnection();
            ObjectName name = pipelineName(connection);
            if (name == null) {
                printUnreachableJson(where, "no such pipeline");
                return ExitCodes.UNREACHABLE;
            }
            StatusReport report = StatusReport.of(JMX.newMXBeanProxy(connection, name, PipelineMXBean.class));
            System.out.print(json ? toJson(report) : report.render());
            return report.healthy() ? ExitCodes.OK : ExitCodes.UNHEALTHY;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return ExitCodes.BAD_CONFIG;
        } catch (IOException | UndeclaredThrowableException e) {
            Throwable cause = e instanceof UndeclaredThrowableException u ? u.getUndeclaredThrowable() : e;
            String reason = cause instanceof InstanceNotFoundException ? "the pipeline stopped" : Causes.innermostMessage(cause);
            System.err.println("cannot reach a cdc-runner daemon at " + where + ": " + reason);
            printUnreachableJson(where, reason);
            return ExitCodes.UNREACHABLE;
        } catch (MalformedObjectNameException e) {
            System.err.println("--pipeline: " + e.getMessage());
            return ExitCodes.BAD_CONFIG;
        }
    }

    /** The MBean to read: the one named by --pipeline, or the only one registered; null (and a message) if none. */
    private ObjectName pipelineName(MBeanServerConnection connection) throws IOException, MalformedObjectNameException {
        if (pipeline != null) {
            ObjectName name = PipelineMonitoring.objectName(pipeline);
            if (!connection.isRegistered(name)) {
                System.err.println("no pipeline named '" + pipeline + "' runs in that daemon");
                return null;
            }
            return name;
        }
        Set<ObjectName> names = connection.queryNames(new ObjectName(PipelineMonitoring.DOMAIN + ":type=Pipeline,*"), null);
        if (names.isEmpty()) {
            System.err.println("that JVM runs no cdc-runner pipeline (not a cdc-runner daemon, or it has stopped)");
            return null;
        }
        if (names.size() > 1) {
            throw new IllegalArgumentException("that daemon runs several pipelines: choose one with --pipeline "
                    + names.stream().map(n -> n.getKeyProperty("name")).sorted().toList());
        }
        return names.iterator().next();
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

    private static String toJson(StatusReport report) throws IOException {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report)
                + System.lineSeparator();
    }
}
