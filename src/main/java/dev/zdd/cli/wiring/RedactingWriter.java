package dev.zdd.cli.wiring;

import java.io.PrintWriter;
import java.io.Writer;

/**
 * A line-buffered writer that masks every known secret before a line leaves: the one gate that both stdout and
 * stderr pass, so that no path (picocli's messages, logs, our own output) can leak a key.
 */
public final class RedactingWriter extends Writer {

    private final PrintWriter target;
    private final Secrets secrets;
    private final StringBuilder line = new StringBuilder();

    public RedactingWriter(PrintWriter target, Secrets secrets) {
        this.target = target;
        this.secrets = secrets;
    }

    @Override
    public synchronized void write(char[] chars, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            line.append(chars[i]);
            if (chars[i] == '\n') {
                emit();
            }
        }
    }

    @Override
    public synchronized void flush() {
        emit();
        target.flush();
    }

    @Override
    public synchronized void close() {
        flush();
    }

    private void emit() {
        if (!line.isEmpty()) {
            target.write(secrets.redact(line.toString()));
            line.setLength(0);
        }
    }
}
