package dev.zdd.cli.output;

import java.util.ArrayList;
import java.util.List;

/**
 * What a terminal would show after this output: understands the few things {@link LiveLines} sends (carriage
 * return, newline, cursor up, erase line) and drops colours, so that tests assert on what a person sees.
 */
final class Screen {

    private Screen() {
    }

    static List<String> of(String output) {
        List<StringBuilder> rows = new ArrayList<>(List.of(new StringBuilder()));
        int row = 0;
        int column = 0;
        for (int i = 0; i < output.length(); i++) {
            char c = output.charAt(i);
            if (c == '\u001b' && i + 1 < output.length() && output.charAt(i + 1) == '[') {
                int end = i + 2;
                while (!Character.isLetter(output.charAt(end))) {
                    end++;
                }
                String argument = output.substring(i + 2, end);
                switch (output.charAt(end)) {
                    case 'A' -> row = Math.max(0, row - Integer.parseInt(argument));
                    case 'K' -> rows.get(row).setLength(0);
                    case 'm' -> { }
                    default -> throw new AssertionError("unexpected escape " + output.substring(i, end + 1));
                }
                i = end;
            } else if (c == '\r') {
                column = 0;
            } else if (c == '\n') {
                row++;
                column = 0;
                if (row == rows.size()) {
                    rows.add(new StringBuilder());
                }
            } else {
                StringBuilder line = rows.get(row);
                while (line.length() < column) {
                    line.append(' ');
                }
                if (column < line.length()) {
                    line.setCharAt(column, c);
                } else {
                    line.append(c);
                }
                column++;
            }
        }
        return rows.stream().map(StringBuilder::toString).filter(line -> !line.isEmpty()).toList();
    }
}
