package io.cdcrunner.config;

/**
 * A key's text before parsing, and where it was set.
 *
 * @param text  the value as given
 * @param level which of the configuration levels set it
 * @param name  the name it was set under at that level: the key, or the environment variable
 */
record RawValue(String text, Level level, String name) {

    /** The configuration levels, lowest precedence first. */
    enum Level { FILE, SYSTEM_PROPERTY, ENVIRONMENT }

    /** Where the value came from, for messages; empty for the properties file, the usual place. */
    String origin() {
        return switch (level) {
            case FILE -> "";
            case SYSTEM_PROPERTY -> "-D" + name;
            case ENVIRONMENT -> "env " + name;
        };
    }

    /** How the user would write the given key at the level this value came from. */
    String spell(ConfigKey<?> key) {
        return level == Level.ENVIRONMENT ? key.envName() : key.name();
    }
}
