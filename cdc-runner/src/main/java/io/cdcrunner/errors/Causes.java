package io.cdcrunner.errors;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * What a person reads of an exception and its causes: their messages, never a stack trace or a wrapper's class name.
 * One rule for every message the daemon writes:
 * <ul>
 *   <li>the chain is walked from the exception to its innermost cause, each exception once (a cause that points
 *       back to itself or to an earlier one ends the walk);</li>
 *   <li>a cause without a message, or whose message the text shows already (wrappers often repeat their cause's),
 *       adds nothing;</li>
 *   <li>an exception without any message is named by its simple class name.</li>
 * </ul>
 */
public final class Causes {

    private static final String SEPARATOR = " <- ";

    private Causes() {
    }

    /** {@code message <- cause's message <- ...}, e.g. {@code cannot start <- Connection refused}. */
    public static String summary(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t : chain(error)) {
            String message = t.getMessage();
            if (message == null || text.indexOf(message) >= 0) {
                continue;
            }
            if (text.length() > 0) {
                text.append(SEPARATOR);
            }
            text.append(message);
        }
        return text.length() > 0 ? text.toString() : error.getClass().getSimpleName();
    }

    /**
     * The innermost message of the chain, its first line only: drivers and RMI wrap the useful part ("Connection
     * refused") in several generic layers, and some append a stack of their own after a newline.
     */
    public static String innermostMessage(Throwable error) {
        String message = null;
        for (Throwable t : chain(error)) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        if (message == null) {
            return root(error).getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }

    /** The innermost cause (the exception itself when it has none). */
    public static Throwable root(Throwable error) {
        Throwable last = error;
        for (Throwable t : chain(error)) {
            last = t;
        }
        return last;
    }

    /** The exception and its causes, outermost first, each once. */
    public static Iterable<Throwable> chain(Throwable error) {
        return () -> new java.util.Iterator<>() {
            private final Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            private Throwable next = error;

            @Override
            public boolean hasNext() {
                return next != null && !seen.contains(next);
            }

            @Override
            public Throwable next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                Throwable current = next;
                seen.add(current);
                next = current.getCause();
                return current;
            }
        };
    }
}
