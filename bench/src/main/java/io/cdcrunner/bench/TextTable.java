package io.cdcrunner.bench;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with columns sized to their content; the first column left-aligned, the rest right. */
final class TextTable {

    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... header) {
        rows.add(header);
    }

    TextTable row(Object... cells) {
        String[] text = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            text[i] = format(cells[i]);
        }
        rows.add(text);
        return this;
    }

    private static String format(Object cell) {
        if (cell == null) {
            return "-";
        }
        if (cell instanceof Double d) {
            return d >= 100 ? String.format("%,.0f", d) : String.format("%.2f", d);
        }
        if (cell instanceof Long || cell instanceof Integer) {
            return String.format("%,d", ((Number) cell).longValue());
        }
        return cell.toString();
    }

    @Override
    public String toString() {
        int columns = rows.get(0).length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int i = 0; i < row.length; i++) {
                String cell = row[i];
                String pad = " ".repeat(width[i] - cell.length());
                out.append(i == 0 ? cell + pad : pad + cell).append(i < row.length - 1 ? "  " : "");
            }
            out.append('\n');
            if (r == 0) {
                int total = 0;
                for (int w : width) {
                    total += w + 2;
                }
                out.append("-".repeat(total - 2)).append('\n');
            }
        }
        return out.toString();
    }
}
