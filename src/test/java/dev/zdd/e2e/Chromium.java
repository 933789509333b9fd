package dev.zdd.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium, as a person's browser would show a page: its DOM after parsing, and a screenshot.
 * Each call has a fresh profile, and Chromium is told not to reach out (no background networking, no component
 * updates, no sync), so a page that still tried to load something would show it missing, not fetched.
 */
final class Chromium {

    private static final long LIMIT_SECONDS = 90;

    private final Path program;

    private Chromium(Path program) {
        this.program = program;
    }

    /** Chromium when installed; skipped locally, failed in CI, when it is not (see {@link Tools#require}). */
    static Chromium require() {
        return new Chromium(Tools.require("chromium"));
    }

    /** The page's DOM as Chromium serialises it after parsing ({@code --dump-dom}). */
    String dumpDom(Path page) throws IOException, InterruptedException {
        Path out = Files.createTempFile("zdd-dom", ".html");
        try {
            run(out, "--dump-dom", page.toUri().toString());
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** A PNG of the page in a window of the given size, its height the first screen's. */
    void screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
        Files.deleteIfExists(png);
        run(Files.createTempFile("zdd-chromium", ".log"), "--hide-scrollbars", "--window-size=" + width + "," + height,
                "--screenshot=" + png.toAbsolutePath(), page.toUri().toString());
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("chromium wrote no screenshot at " + png);
        }
    }

    private void run(Path stdout, String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("zdd-chromium-profile");
        Path stderr = Files.createTempFile("zdd-chromium", ".err");
        List<String> command = new ArrayList<>(List.of(program.toString(), "--headless=new", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("chromium did not finish within " + LIMIT_SECONDS + " s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("chromium exited " + process.exitValue() + ":\n" + Files.readString(stderr));
            }
        } finally {
            Files.deleteIfExists(stderr);
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
