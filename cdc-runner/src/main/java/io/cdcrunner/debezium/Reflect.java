package io.cdcrunner.debezium;

import java.lang.reflect.Field;

/**
 * The one way a patch reaches a private field of Debezium or of its binlog client. A field that is not where the
 * patch expects it (an upgrade moved or renamed it) is a {@link Moved} naming the class, the field and the patch, so
 * the patch's WARN at start-up and {@code DebeziumPatchesTest} both say what to revisit.
 */
final class Reflect {

    private Reflect() {
    }

    /** The field {@code name} declared by {@code owner} itself, made accessible. */
    static Field field(Class<?> owner, String name, Class<?> patch) throws Moved {
        try {
            return accessible(owner.getDeclaredField(name), patch);
        } catch (NoSuchFieldException | RuntimeException e) {
            throw new Moved(owner, "field " + name, patch);
        }
    }

    /** The field {@code name} of type {@code type} declared by {@code owner} or a class it extends, made accessible. */
    static Field inherited(Class<?> owner, String name, Class<?> type, Class<?> patch) throws Moved {
        for (Class<?> c = owner; c != null; c = c.getSuperclass()) {
            for (Field candidate : c.getDeclaredFields()) {
                if (candidate.getName().equals(name) && type.isAssignableFrom(candidate.getType())) {
                    return accessible(candidate, patch);
                }
            }
        }
        throw new Moved(owner, "field " + name + " (" + type.getSimpleName() + ")", patch);
    }

    /** The first field of type {@code type} declared by {@code owner} or a class it extends, made accessible. */
    static Field ofType(Class<?> owner, Class<?> type, Class<?> patch) throws Moved {
        for (Class<?> c = owner; c != null; c = c.getSuperclass()) {
            for (Field candidate : c.getDeclaredFields()) {
                if (type.isAssignableFrom(candidate.getType())) {
                    return accessible(candidate, patch);
                }
            }
        }
        throw new Moved(owner, "a field of type " + type.getName(), patch);
    }

    private static Field accessible(Field field, Class<?> patch) throws Moved {
        try {
            field.setAccessible(true);
            return field;
        } catch (RuntimeException e) {
            // A module that no longer opens the package.
            throw new Moved(field.getDeclaringClass(), "an accessible field " + field.getName(), patch);
        }
    }

    /** A field a patch reaches for is gone: the patch must be revisited for this Debezium version. */
    static final class Moved extends NoSuchFieldException {

        private static final long serialVersionUID = 1L;

        Moved(Class<?> owner, String what, Class<?> patch) {
            super((owner.getName().startsWith("io.debezium.") ? "Debezium class " : "binlog client class ")
                    + owner.getName() + " no longer has " + what + ": patch " + patch.getSimpleName() + " must be revisited");
        }
    }
}
