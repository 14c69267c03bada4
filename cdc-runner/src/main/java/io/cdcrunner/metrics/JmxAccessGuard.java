package io.cdcrunner.metrics;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AccessController;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;

/**
 * What a remote JMX client may do, whoever it authenticated as: read attributes and metadata, and, for an operator,
 * {@code pause} and {@code resume} a pipeline and {@code startBackfill} and {@code stopBackfill} its backfills. Nothing
 * else reaches the MBean server: no MBean is created or registered (an {@code MLet} would load the client's code), none
 * unregistered, no attribute set, no other operation invoked (the JDK's diagnostic commands load agents and dump the
 * heap), and the JVM's system properties and arguments, which may hold secrets, are not read.
 *
 * <p>Roles come from {@code jmx.remote.access.file} in the JDK's format ({@code user readonly} or
 * {@code user readwrite}, {@code #} comments): {@code readwrite} is the operator. With an access file the JDK's own controller also applies it, and
 * refuses users it does not list; without one every user is read-only here.
 */
final class JmxAccessGuard implements InvocationHandler {

    static final String PIPELINE_DOMAIN = "cdc.runner";
    private static final Set<String> READS = Set.of("getAttribute", "getAttributes", "getMBeanInfo",
            "isRegistered", "getMBeanCount", "getDefaultDomain", "getDomains", "isInstanceOf",
            "getObjectInstance", "removeNotificationListener",
            // The connector's own calls to unmarshal parameters; no remote client can make them.
            "getClassLoaderRepository", "getClassLoaderFor", "getClassLoader");
    private static final Set<String> OPERATOR_OPERATIONS = Set.of("pause", "resume", "startBackfill", "stopBackfill");
    private static final Set<String> SECRET_RUNTIME_ATTRIBUTES = Set.of("SystemProperties", "InputArguments");

    private final Map<String, Boolean> operators;
    private MBeanServer target;

    private JmxAccessGuard(Map<String, Boolean> operators) {
        this.operators = operators;
    }

    /** The forwarder to set on the connector server. */
    static MBeanServerForwarder forwarder(Optional<Path> accessFile) throws IOException {
        JmxAccessGuard guard = new JmxAccessGuard(accessFile.isPresent() ? roles(accessFile.get()) : Map.of());
        return (MBeanServerForwarder) Proxy.newProxyInstance(MBeanServerForwarder.class.getClassLoader(),
                new Class<?>[] {MBeanServerForwarder.class}, guard);
    }

    /** {@code user -> operator?} from a JDK access file. */
    static Map<String, Boolean> roles(Path accessFile) throws IOException {
        Map<String, Boolean> roles = new HashMap<>();
        for (String line : Files.readAllLines(accessFile, StandardCharsets.UTF_8)) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] parts = text.split("\\s+");
            if (parts.length < 2 || !(parts[1].equals("readonly") || parts[1].equals("readwrite"))) {
                throw new IOException("jmx.remote.access.file " + accessFile + ": '" + text + "' is not 'USER readonly'"
                        + " or 'USER readwrite'");
            }
            roles.put(parts[0], parts[1].equals("readwrite"));
        }
        return roles;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (name.equals("getMBeanServer")) {
            return target;
        }
        if (name.equals("setMBeanServer")) {
            if (target != null) {
                throw new IllegalStateException("the MBean server is set already");
            }
            target = (MBeanServer) args[0];
            return null;
        }
        if (method.getDeclaringClass() == Object.class) {
            return method.invoke(this, args);
        }
        check(name, args);
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private void check(String name, Object[] args) {
        if (name.equals("getAttribute") || name.equals("getAttributes")) {
            if (args[0] instanceof ObjectName object && isRuntime(object)) {
                for (String attribute : attributes(args[1])) {
                    if (SECRET_RUNTIME_ATTRIBUTES.contains(attribute)) {
                        throw refused("reading " + attribute + " of " + object);
                    }
                }
            }
            return;
        }
        if (READS.contains(name)) {
            return;
        }
        if ((name.equals("queryNames") || name.equals("queryMBeans")) && args[1] == null) {
            // A query expression would read attributes past this guard; a name pattern is enough to list.
            return;
        }
        if (name.equals("addNotificationListener") && !(args[1] instanceof ObjectName)) {
            return;
        }
        if (name.equals("invoke") && args[0] instanceof ObjectName object
                && PIPELINE_DOMAIN.equals(object.getDomain()) && OPERATOR_OPERATIONS.contains((String) args[1])) {
            String user = currentUser();
            if (Boolean.TRUE.equals(operators.get(user))) {
                return;
            }
            throw refused("'" + args[1] + "' for user " + user + " (operators are the readwrite users of"
                    + " jmx.remote.access.file)");
        }
        throw refused(name + (args != null && args.length > 0 && args[0] != null ? " on " + args[0] : ""));
    }

    private static boolean isRuntime(ObjectName object) {
        return "java.lang".equals(object.getDomain()) && "Runtime".equals(object.getKeyProperty("type"));
    }

    private static String[] attributes(Object arg) {
        return arg instanceof String one ? new String[] {one} : arg instanceof String[] many ? many : new String[0];
    }

    private static SecurityException refused(String what) {
        return new SecurityException("not allowed over remote JMX: " + what);
    }

    /** The authenticated JMX user of the calling request. */
    @SuppressWarnings("removal")
    private static String currentUser() {
        Subject subject;
        try {
            // Java 18 and later: the subject of Subject.callAs, which the JMX connector uses from Java 23 on.
            subject = (Subject) Subject.class.getMethod("current").invoke(null);
        } catch (ReflectiveOperationException e) {
            subject = Subject.getSubject(AccessController.getContext());
        }
        if (subject == null) {
            return "(anonymous)";
        }
        return subject.getPrincipals(JMXPrincipal.class).stream().map(Principal::getName).findFirst()
                .orElse("(anonymous)");
    }
}
