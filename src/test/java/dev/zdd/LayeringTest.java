package dev.zdd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The house's layering, read from the main sources: every import, and every fully qualified name in code (comments
 * and string literals left out), checked against which package may use which. A break names the file, the line and
 * the rule. Plain file reading, so that it needs no library and runs with the unit tests.
 */
class LayeringTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)(?:\\.\\*)?\\s*;",
            Pattern.MULTILINE);
    /** A qualified name in code: lower-case package parts, then a type ({@code java.net.BindException}). */
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])((?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*)");

    /** One name that one source file uses, by import or written out in full. */
    record Use(Path file, int line, String from, String name) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + from + " uses " + name;
        }
    }

    static List<Use> uses;

    @BeforeAll
    static void readTheSources() throws IOException {
        uses = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(file -> file.toString().endsWith(".java")).sorted().forEach(file -> uses.addAll(usesOf(file)));
        }
    }

    @Test
    void theScanSeesTheSources() {
        // A wrong folder or a broken pattern would make every rule below pass for nothing.
        assertThat(uses).anyMatch(use -> use.from().equals("dev.zdd.cli") && use.name().startsWith("picocli."))
                .anyMatch(use -> use.from().equals("dev.zdd.platform.tutum") && use.name().startsWith("okhttp3."))
                .anyMatch(use -> use.from().equals("dev.zdd.rollout") && use.name().startsWith("dev.zdd.platform."))
                .anyMatch(use -> use.from().equals("dev.zdd.lb") && use.name().startsWith("dev.zdd.rollout."))
                .anyMatch(use -> use.name().equals("java.net.BindException")); // written out in SandboxCommand
    }

    @Test
    void theEngineKnowsNoCommandLineAdapterSandboxProbeOrLoadBalancerClient() {
        assertNoUse(in("dev.zdd.rollout"), "dev.zdd.cli", "dev.zdd.platform.tutum", "dev.zdd.platform.swarm",
                "dev.zdd.sandbox", "dev.zdd.probe", "dev.zdd.lb");
    }

    /**
     * The load balancer clients implement the engine's interface with the JDK alone (a unix socket, the JDK's HTTP
     * client): no platform, no command line, no other transport.
     */
    @Test
    void theLoadBalancerClientsKnowOnlyTheEngineInterfaceAndTheJdk() {
        assertNoUse(in("dev.zdd.lb"), "dev.zdd.cli", "dev.zdd.platform", "dev.zdd.sandbox", "dev.zdd.probe",
                "okhttp3", "okio", "com.fasterxml.jackson", "com.github.dockerjava", "picocli");
    }

    @Test
    void picocliOnlyInTheCommandLine_andNeverInItsOutput() {
        assertNoUse(in("dev.zdd.cli").negate(), "picocli");
        assertNoUse(in("dev.zdd.cli.output"), "picocli");
    }

    @Test
    void okHttpOnlyInTheTutumAdapter() {
        assertNoUse(in("dev.zdd.platform.tutum").negate(), "okhttp3", "okio");
    }

    @Test
    void dockerJavaOnlyInTheSwarmAdapter() {
        assertNoUse(in("dev.zdd.platform.swarm").negate(), "com.github.dockerjava");
    }

    @Test
    void jacksonOnlyInTheAdapters_theSandbox_theJsonOutput_andTheReport() {
        assertNoUse(in("dev.zdd.platform.tutum").or(in("dev.zdd.platform.swarm")).or(in("dev.zdd.sandbox"))
                .or(in("dev.zdd.cli.output")).or(in("dev.zdd.report")).negate(), "com.fasterxml.jackson");
    }

    @Test
    void theReportKnowsOnlyTheJsonEvents_neverTheEngineOrTheCommandLine() {
        // The page is made of what --output json prints, so that a saved stream renders the same page.
        assertNoUse(in("dev.zdd.report"), "dev.zdd.cli", "dev.zdd.rollout", "dev.zdd.platform", "dev.zdd.probe",
                "dev.zdd.sandbox", "picocli", "okhttp3");
    }

    @Test
    void thePlatformInterfaceAndItsTypesKnowNoAdapter() {
        assertNoUse(exactly("dev.zdd.platform"), "dev.zdd.platform.tutum", "dev.zdd.platform.swarm", "dev.zdd.cli",
                "dev.zdd.rollout", "dev.zdd.sandbox", "dev.zdd.probe");
    }

    @Test
    void theSandboxSharesTheDomainTypes_neverTheClientsInternals() {
        assertNoUse(in("dev.zdd.sandbox"), "dev.zdd.platform.tutum", "dev.zdd.platform.swarm", "dev.zdd.cli",
                "dev.zdd.rollout", "dev.zdd.probe", "dev.zdd.lb", "okhttp3");
    }

    /**
     * The command line's rooms, and the rooms each may use. Dependencies point one way: the frame (dev.zdd.cli itself:
     * Main, the command tree, the error handler) may use every room; the commands use what all commands share, the
     * output and the wiring; output and wiring use no other room. A new room must be added here, which makes its
     * author say where it sits.
     */
    private static final Map<String, Set<String>> CLI_ROOMS = Map.of(
            "dev.zdd.cli.command", Set.of("dev.zdd.cli.common", "dev.zdd.cli.output", "dev.zdd.cli.wiring"),
            "dev.zdd.cli.sandbox", Set.of("dev.zdd.cli.common", "dev.zdd.cli.output", "dev.zdd.cli.wiring"),
            "dev.zdd.cli.common", Set.of("dev.zdd.cli.output", "dev.zdd.cli.wiring"),
            "dev.zdd.cli.output", Set.of(),
            "dev.zdd.cli.wiring", Set.of());

    @Test
    void theCommandLinesRoomsDependOneWay() {
        List<String> breaks = new ArrayList<>();
        for (Use use : uses) {
            String used = packageOf(use.name());
            if (!in("dev.zdd.cli").test(use.from()) || use.from().equals("dev.zdd.cli") || used.equals(use.from())
                || !in("dev.zdd.cli").test(used)) {
                continue;
            }
            Set<String> allowed = CLI_ROOMS.get(use.from());
            if (allowed == null) {
                breaks.add(use + ": " + use.from() + " is a room that LayeringTest.CLI_ROOMS does not list");
            } else if (!allowed.contains(used)) {
                breaks.add(use + ": " + use.from() + (allowed.isEmpty() ? " may use no other room"
                        : " may use only " + String.join(", ", new TreeSet<>(allowed))));
            }
        }
        assertThat(breaks).as("uses that run against the command line's rooms").isEmpty();
    }

    /** Fails with every use, by a file whose package matches {@code where}, of a name under one of {@code banned}. */
    private static void assertNoUse(Predicate<String> where, String... banned) {
        List<Use> breaks = uses.stream()
                .filter(use -> where.test(use.from()))
                .filter(use -> Stream.of(banned).anyMatch(prefix -> use.name().equals(prefix)
                                                                   || use.name().startsWith(prefix + ".")))
                .toList();
        assertThat(breaks).as("uses that break the layering").isEmpty();
    }

    /** The package and every package below it. */
    private static Predicate<String> in(String pkg) {
        return from -> from.equals(pkg) || from.startsWith(pkg + ".");
    }

    /** {@code dev.zdd.cli.output} for {@code dev.zdd.cli.output.TextRenderer.Progress}: the parts before the type. */
    private static String packageOf(String name) {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("\\.")) {
            if (!part.isEmpty() && Character.isUpperCase(part.charAt(0))) {
                break;
            }
            parts.add(part);
        }
        return String.join(".", parts);
    }

    private static Predicate<String> exactly(String pkg) {
        return from -> from.equals(pkg);
    }

    private static List<Use> usesOf(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String code = withoutCommentsAndLiterals(text);
        Matcher pkg = PACKAGE.matcher(code);
        String from = pkg.find() ? pkg.group(1) : "";
        List<Use> found = new ArrayList<>();
        Matcher imports = IMPORT.matcher(code);
        int bodyStart = 0;
        while (imports.find()) {
            found.add(new Use(file, lineOf(code, imports.start()), from, imports.group(1)));
            bodyStart = imports.end();
        }
        Matcher qualified = QUALIFIED.matcher(code);
        // After the imports (or the package line), so that neither is counted twice.
        qualified.region(bodyStart > 0 ? bodyStart : from.isEmpty() ? 0 : pkg.end(), code.length());
        while (qualified.find()) {
            found.add(new Use(file, lineOf(code, qualified.start()), from, qualified.group(1)));
        }
        return found;
    }

    /**
     * Comments, string, text-block and character literals blanked out (newlines kept, so line numbers stay true):
     * a package named in prose, or in a message, is no dependency.
     */
    static String withoutCommentsAndLiterals(String text) {
        StringBuilder code = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int end;
            if (text.startsWith("//", i)) {
                end = text.indexOf('\n', i);
                end = end < 0 ? text.length() : end;
            } else if (text.startsWith("/*", i)) {
                end = text.indexOf("*/", i + 2);
                end = end < 0 ? text.length() : end + 2;
            } else if (text.startsWith("\"\"\"", i)) {
                end = text.indexOf("\"\"\"", i + 3);
                end = end < 0 ? text.length() : end + 3;
            } else if (text.charAt(i) == '"' || text.charAt(i) == '\'') {
                char quote = text.charAt(i);
                end = i + 1;
                while (end < text.length() && text.charAt(end) != quote && text.charAt(end) != '\n') {
                    end += text.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, text.length());
            } else {
                code.append(text.charAt(i++));
                continue;
            }
            for (int j = i; j < end; j++) {
                code.append(text.charAt(j) == '\n' ? '\n' : ' ');
            }
            i = end;
        }
        return code.toString();
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    @Test
    void blanksCommentsAndLiterals_butKeepsTheLines() {
        String source = "a /* picocli.X\n */ b // okhttp3.Y\n\"dev.zdd.cli.Z\" '\"' c";
        String code = withoutCommentsAndLiterals(source);

        assertThat(code).doesNotContain("picocli", "okhttp3", "dev.zdd").contains("a", "b", "c");
        assertThat(code.lines()).hasSize(3);
    }
}
