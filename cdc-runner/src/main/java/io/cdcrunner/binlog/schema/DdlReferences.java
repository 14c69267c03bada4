package io.cdcrunner.binlog.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names a DDL statement may refer to, read without understanding the statement: every identifier (plain or
 * quoted) outside string literals, and every dotted pair of them. It is meant for statements the engine's parser
 * could not read, so it errs on the side of seeing too many names: a keyword or a column name also appears.
 */
public record DdlReferences(Set<String> names, Set<QualifiedName> qualified) {

    /** {@code first.second}: a database and a table, or a table and a column. */
    record QualifiedName(String first, String second) {
    }

    public static DdlReferences of(String statement) {
        Set<String> names = new LinkedHashSet<>();
        Set<QualifiedName> qualified = new LinkedHashSet<>();
        List<String> chain = new ArrayList<>();
        int i = 0;
        int n = statement.length();
        while (i < n) {
            char c = statement.charAt(i);
            if (c == '\'') {
                i = skipString(statement, i);
                endChain(chain, names, qualified);
            } else if (c == '`' || c == '"') {
                int end = quotedEnd(statement, i, c);
                chain.add(statement.substring(i + 1, Math.max(i + 1, end - 1)).replace(String.valueOf(c) + c, String.valueOf(c)));
                i = end;
                i = afterDot(statement, i, chain, names, qualified);
            } else if (isWordChar(c)) {
                int end = i;
                while (end < n && isWordChar(statement.charAt(end))) {
                    end++;
                }
                chain.add(statement.substring(i, end));
                i = afterDot(statement, end, chain, names, qualified);
            } else {
                endChain(chain, names, qualified);
                i++;
            }
        }
        endChain(chain, names, qualified);
        return new DdlReferences(Collections.unmodifiableSet(names), Collections.unmodifiableSet(qualified));
    }

    /** Continues the dotted chain when the next non-blank character is a dot; ends it otherwise. */
    private static int afterDot(String s, int i, List<String> chain, Set<String> names, Set<QualifiedName> qualified) {
        int j = i;
        while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
            j++;
        }
        if (j < s.length() && s.charAt(j) == '.') {
            j++;
            while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
                j++;
            }
            return j;
        }
        endChain(chain, names, qualified);
        return i;
    }

    private static void endChain(List<String> chain, Set<String> names, Set<QualifiedName> qualified) {
        if (chain.isEmpty()) {
            return;
        }
        if (chain.size() == 1) {
            names.add(chain.get(0));
        }
        for (int k = 0; k + 1 < chain.size(); k++) {
            qualified.add(new QualifiedName(chain.get(k), chain.get(k + 1)));
        }
        chain.clear();
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$' || c > 0x7f;
    }

    /** The index after the closing quote ({@code ``} inside stands for one backtick). */
    private static int quotedEnd(String s, int start, char quote) {
        int i = start + 1;
        while (i < s.length()) {
            if (s.charAt(i) == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return s.length();
    }

    private static int skipString(String s, int start) {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '\'') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return s.length();
    }
}
