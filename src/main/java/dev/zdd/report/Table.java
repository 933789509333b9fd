package dev.zdd.report;

import java.util.List;

/**
 * Rows of figures exactly as the JSON carried them (a number's text as it was written), with a header per column.
 *
 * @param keys    the JSON field behind each column
 * @param headers what each column is called on the page
 * @param rows    one list of cells per row, "" where a row has no such field
 */
public record Table(List<String> keys, List<String> headers, List<List<String>> rows) {

    public Table {
        keys = List.copyOf(keys);
        headers = List.copyOf(headers);
        rows = rows.stream().map(List::copyOf).toList();
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The cell of a row under a JSON field, or "" when the table has no such column. */
    public String cell(List<String> row, String key) {
        int column = keys.indexOf(key);
        return column < 0 ? "" : row.get(column);
    }
}
