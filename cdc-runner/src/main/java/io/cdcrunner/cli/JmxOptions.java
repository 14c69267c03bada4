package io.cdcrunner.cli;

import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.Path;
import java.util.Set;

import javax.management.InstanceNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;

import io.cdcrunner.errors.Causes;
import io.cdcrunner.metrics.PipelineMonitoring;
import picocli.CommandLine.Option;

/**
 * The options of the commands that talk to a running daemon over JMX ({@code status}, {@code snapshot}): how to log
 * in, how long to wait, which pipeline. The address itself, {@link Target}, is an argument group of each command,
 * required or not as the command needs.
 */
final class JmxOptions {

    /** {@code --jmx HOST:PORT} or {@code --pid PID}. */
    static final class Target {
        @Option(names = "--jmx", paramLabel = "HOST:PORT",
                description = "The daemon's remote JMX address (its jmx.remote.host and jmx.remote.port).")
        String jmx;

        @Option(names = "--pid", paramLabel = "PID",
                description = "Process id of a daemon of this user on this machine (needs a JDK: Attach API).")
        Long pid;

        static Target remote(String hostPort) {
            Target target = new Target();
            target.jmx = hostPort;
            return target;
        }

        /** The address as a message names it. */
        String describe() {
            return jmx != null ? jmx : "process " + pid;
        }
    }

    @Option(names = "--pipeline", paramLabel = "NAME",
            description = "pipeline.name of the pipeline; needed only if the daemon runs several pipelines.")
    String pipeline;

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

    /** Connects to the daemon at {@code target}. */
    JMXConnector connect(Target target) throws IOException {
        return connect(target, false);
    }

    /**
     * Connects to the daemon at {@code target}.
     *
     * @param tls TLS even without {@code --jmx-ssl} (the configuration's {@code jmx.remote.ssl})
     */
    JMXConnector connect(Target target, boolean tls) throws IOException {
        return target.jmx != null ? DaemonConnection.remote(target.jmx, user, passwordFile, ssl || tls, timeoutSeconds)
                : DaemonConnection.local(target.pid, timeoutSeconds);
    }

    /**
     * The pipeline MBean to use: the one named by {@code --pipeline}, else by {@code fallback} (a configuration's
     * {@code pipeline.name}; null for none), else the only one registered; null (after saying why on stderr) if none.
     *
     * @throws IllegalArgumentException when several run and none is named
     */
    ObjectName pipelineMBean(MBeanServerConnection connection, String fallback)
            throws IOException, MalformedObjectNameException {
        String named = pipeline != null ? pipeline : fallback;
        if (named != null) {
            ObjectName name = PipelineMonitoring.objectName(named);
            if (!connection.isRegistered(name)) {
                System.err.println("no pipeline named '" + named + "' runs in that daemon");
                return null;
            }
            return name;
        }
        Set<ObjectName> names = connection.queryNames(new ObjectName(PipelineMonitoring.DOMAIN + ":type=Pipeline,*"),
                null);
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

    /**
     * Why a daemon could not be reached, or stopped answering: {@code e} is an {@link IOException}, or what an MBean
     * proxy wraps one (or a vanished MBean) in.
     */
    static String unreachableReason(Exception e) {
        Throwable cause = e instanceof UndeclaredThrowableException u ? u.getUndeclaredThrowable() : e;
        return cause instanceof InstanceNotFoundException ? "the pipeline stopped" : Causes.innermostMessage(cause);
    }
}
