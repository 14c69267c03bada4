package io.cdcrunner.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The privileges listed by {@code SHOW GRANTS}, by scope: global ({@code *.*}), database (which may be a
 * {@code LIKE} pattern such as {@code shop\_%}) and table. Column and routine privileges are ignored: a binlog
 * reader needs none of them. Grant lines are parsed, never echoed, because MariaDB prints the password hash
 * in them.
 */
final class Grants {

    private static final String IDENT = "(?:`(?:[^`]|``)*`|[^\\s`.]+)";
    private static final Pattern PRIVILEGE_GRANT = Pattern.compile(
            "^GRANT\\s+(?<privs>.+?)\\s+ON\\s+(?:(?<routine>FUNCTION|PROCEDURE|PACKAGE BODY|PACKAGE)\\s+)?"
                    + "(?:TABLE\\s+)?(?<object>" + IDENT + "(?:\\." + IDENT + ")?)\\s+TO\\s",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern ROLE_GRANT = Pattern.compile("^GRANT\\s+(?<roles>.+?)\\s+TO\\s",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final Set<String> global = new HashSet<>();
    private final Map<Pattern, Set<String>> databases = new HashMap<>();
    private final Map<String, Set<String>> tables = new HashMap<>();
    private final List<String> roles = new ArrayList<>();

    private Grants() {
    }

    /** Parses the rows of {@code SHOW GRANTS}. Unrecognised lines are skipped. */
    static Grants parse(List<String> lines) {
        Grants grants = new Grants();
        for (String line : lines) {
            grants.add(line.trim());
        }
        return grants;
    }

    private void add(String line) {
        Matcher m = PRIVILEGE_GRANT.matcher(line);
        if (m.find()) {
            if (m.group("routine") == null) {
                addPrivileges(m.group("object"), privileges(m.group("privs")));
            }
            return;
        }
        Matcher role = ROLE_GRANT.matcher(line);
        // "GRANT PROXY ON ''@'%' TO ..." is not a role grant; role grants have no ON clause.
        if (role.find() && !role.group("roles").toUpperCase(Locale.ROOT).contains(" ON ")) {
            roles.add(role.group("roles").replace("`", ""));
        }
    }

    private void addPrivileges(String object, Set<String> privileges) {
        int dot = splitPoint(object);
        String db = unquote(dot < 0 ? object : object.substring(0, dot));
        String table = dot < 0 ? "*" : unquote(object.substring(dot + 1));
        if (db.equals("*")) {
            global.addAll(privileges);
        } else if (table.equals("*")) {
            databases.computeIfAbsent(likePattern(db), k -> new HashSet<>()).addAll(privileges);
        } else {
            tables.computeIfAbsent(db + "." + table, k -> new HashSet<>()).addAll(privileges);
        }
    }

    /** True when {@code privilege} (upper case, e.g. {@code REPLICATION SLAVE}) is granted on {@code *.*}. */
    boolean hasGlobal(String privilege) {
        return global.contains(privilege) || global.contains("ALL PRIVILEGES");
    }

    /** True when {@code privilege} is granted on table {@code db.table}, directly or through its database or {@code *.*}. */
    boolean hasOnTable(String privilege, String db, String table) {
        if (hasGlobal(privilege)) {
            return true;
        }
        for (Map.Entry<Pattern, Set<String>> grant : databases.entrySet()) {
            if (grant.getKey().matcher(db).matches()
                    && (grant.getValue().contains(privilege) || grant.getValue().contains("ALL PRIVILEGES"))) {
                return true;
            }
        }
        Set<String> onTable = tables.getOrDefault(db + "." + table, Set.of());
        return onTable.contains(privilege) || onTable.contains("ALL PRIVILEGES");
    }

    /** Roles granted to the user; {@code SHOW GRANTS} on MySQL does not expand their privileges. */
    List<String> roles() {
        return List.copyOf(roles);
    }

    /** Upper-cased privilege names; column privileges such as {@code SELECT (`a`)} are dropped. */
    private static Set<String> privileges(String list) {
        Set<String> result = new HashSet<>();
        int depth = 0;
        StringBuilder current = new StringBuilder();
        for (char ch : (list + ",").toCharArray()) {
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            }
            if (ch == ',' && depth == 0) {
                String name = current.toString().trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
                if (!name.isEmpty() && !name.contains("(")) {
                    result.add(name.equals("ALL") ? "ALL PRIVILEGES" : name);
                }
                current.setLength(0);
            } else {
                current.append(ch);
            }
        }
        return result;
    }

    /** Index of the dot separating database and table, outside backquotes; -1 if none. */
    private static int splitPoint(String object) {
        boolean quoted = false;
        for (int i = 0; i < object.length(); i++) {
            char ch = object.charAt(i);
            if (ch == '`') {
                quoted = !quoted;
            } else if (ch == '.' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static String unquote(String ident) {
        String s = ident.trim();
        if (s.length() >= 2 && s.startsWith("`") && s.endsWith("`")) {
            return s.substring(1, s.length() - 1).replace("``", "`");
        }
        return s;
    }

    /** A database-level grant name is a LIKE pattern: {@code %} and {@code _} are wildcards unless escaped. */
    private static Pattern likePattern(String like) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < like.length(); i++) {
            char ch = like.charAt(i);
            if (ch == '\\' && i + 1 < like.length()) {
                regex.append(Pattern.quote(String.valueOf(like.charAt(++i))));
            } else if (ch == '%') {
                regex.append(".*");
            } else if (ch == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
