package dev.zdd.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a page so that no half-written one ever exists: into a temporary file in the same folder, then renamed
 * over the target in one step.
 */
public final class ReportFile {

    private ReportFile() {
    }

    /** What stops a report being written there, in words, or null when nothing does: checked before a run. */
    public static String problem(Path file) {
        Path target = file.toAbsolutePath();
        Path folder = target.getParent();
        if (Files.isDirectory(target)) {
            return file + " is a directory";
        }
        if (folder == null || !Files.isDirectory(folder)) {
            return "no such directory: " + (folder == null ? file : folder);
        }
        if (!Files.isWritable(folder)) {
            return "cannot write into " + folder;
        }
        if (Files.exists(target) && !Files.isWritable(target)) {
            return "cannot overwrite " + file;
        }
        return null;
    }

    public static void write(Path file, String html) throws IOException {
        Path target = file.toAbsolutePath();
        Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".part");
        try {
            Files.writeString(temporary, html, StandardCharsets.UTF_8);
            try {
                // A page to share, like any file a command writes (createTempFile made it private).
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException | AccessDeniedException e) {
                // not a POSIX file system, or not ours to change: the page is still written
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
