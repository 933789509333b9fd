package dev.zdd.cli;

import dev.zdd.Version;
import dev.zdd.cli.command.RedeployCommand;
import dev.zdd.cli.wiring.Environment;
import dev.zdd.cli.wiring.PlatformOptions;
import dev.zdd.cli.wiring.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes one roff man page per command ({@code zdd.1}, {@code zdd-redeploy.1}, ...) from the same picocli model
 * that parses the command line and prints {@code --help}, so that the three never disagree. The build runs it
 * during {@code prepare-package} with the output folder as its argument. Plain man(7) macros, so that man and
 * groff render it anywhere without Asciidoctor.
 */
public final class ManPages {

    private static final List<String> PLATFORM_VARIABLES = List.of(
            "ZDD_PLATFORM:the platform, when --platform is not given: tutum, dockercloud or swarm",
            "ZDD_API_URL:the platform's API, when --api-url is not given",
            "TUTUM_REST_HOST, DOCKERCLOUD_REST_HOST:the API of Tutum or Docker Cloud, after ZDD_API_URL",
            "TUTUM_USER, DOCKERCLOUD_USER:the account name, when --user is not given",
            "TUTUM_APIKEY, DOCKERCLOUD_APIKEY:the API key itself, when --apikey-file is not given",
            "TUTUM_AUTH, DOCKERCLOUD_AUTH:a complete Authorization header value; wins over user and key",
            "DOCKERCLOUD_NAMESPACE:the Docker Cloud organisation namespace, when --namespace is not given",
            "TUTUM_STREAM_HOST, DOCKERCLOUD_STREAM_HOST:the events stream of Tutum or Docker Cloud (ws:// or wss://);"
            + " unset, the platform's own for its own API, the API's port + 1 for an API on loopback, else none",
            "HTTPS_PROXY, HTTP_PROXY:the proxy for https:// and for http:// API URLs (Tutum and Docker Cloud); the"
            + " lowercase forms win, as in curl; a user:password in the URL answers the proxy and is never printed",
            "NO_PROXY:hosts reached without the proxy: *, host names (covering their subdomains) and IP addresses,"
            + " each optionally with :port; the lowercase form wins",
            "DOCKER_HOST:the Docker engine for --platform swarm, unix://PATH or tcp://HOST:PORT, after ZDD_API_URL"
            + " (default unix:///var/run/docker.sock); several managers of one Swarm, separated by commas, are"
            + " tried in turn when one stops answering",
            "DOCKER_TLS_VERIFY:any non-empty value: speak TLS to the Docker engine and verify it, with the client"
            + " certificate from DOCKER_CERT_PATH, as the docker CLI does",
            "DOCKER_CERT_PATH:the folder with ca.pem, cert.pem and key.pem for DOCKER_TLS_VERIFY (default ~/.docker)");

    private static final List<String> LAUNCHER_VARIABLES = List.of(
            "JAVA_HOME:the Java that the zdd launcher runs (else java on the PATH)",
            "ZDD_JAR:the zdd.jar to run, instead of the one beside the launcher",
            "ZDD_JAVA_OPTS:more JVM options for the launcher to pass");

    private ManPages() {
    }

    public static void main(String[] args) throws IOException {
        Path folder = Files.createDirectories(Path.of(args[0]));
        CommandLine zdd = ZddCommand.tree(new CommandFactory(Environment.system(), new Secrets()));
        write(folder, zdd.getCommandSpec());
    }

    private static void write(Path folder, CommandSpec command) throws IOException {
        Files.writeString(folder.resolve(pageName(command) + ".1"), page(command));
        for (CommandSpec sub : visibleSubcommands(command)) {
            write(folder, sub);
        }
    }

    static String page(CommandSpec command) {
        List<String> page = new ArrayList<>();
        page.add(".TH " + roff(pageName(command).toUpperCase(Locale.ROOT)) + " 1 \"\" \"zdd "
                 + roff(Version.get()) + "\" \"zdd manual\"");
        page.add(".SH NAME");
        page.add(roff(pageName(command) + " - " + firstSentence(command)));
        page.add(".SH SYNOPSIS");
        page.add(".B " + roff(command.qualifiedName()));
        page.add(roff(synopsis(command)));
        page.add(".SH DESCRIPTION");
        for (String line : command.usageMessage().description()) {
            page.add(roff(line));
        }
        List<CommandSpec> subcommands = visibleSubcommands(command);
        if (!subcommands.isEmpty()) {
            page.add(".SH COMMANDS");
            for (CommandSpec sub : subcommands) {
                page.add(".TP");
                page.add(".B " + roff(sub.name()));
                page.add(roff(String.join(" ", sub.usageMessage().description())) + " See");
                page.add(".BR " + roff(pageName(sub)) + " (1).");
            }
        }
        page.add(".SH OPTIONS");
        for (PositionalParamSpec positional : command.positionalParameters()) {
            if (!positional.hidden()) {
                page.add(".TP");
                page.add(".I " + roff(positional.paramLabel()));
                page.add(roff(String.join(" ", positional.description())));
            }
        }
        for (OptionSpec option : command.options()) {
            if (!option.hidden()) {
                page.add(".TP");
                page.add(optionNames(option));
                page.add(roff(String.join(" ", option.description())));
            }
        }
        Map<String, String> exitCodes = command.usageMessage().exitCodeList();
        if (!exitCodes.isEmpty()) {
            page.add(".SH EXIT STATUS");
            exitCodes.forEach((code, meaning) -> {
                page.add(".TP");
                page.add(".B " + roff(code.strip()));
                page.add(roff(meaning.strip()));
            });
        }
        List<String> variables = variables(command);
        if (!variables.isEmpty()) {
            page.add(".SH ENVIRONMENT");
            for (String variable : variables) {
                String[] nameAndMeaning = variable.split(":", 2);
                page.add(".TP");
                page.add(".B " + roff(nameAndMeaning[0]));
                page.add(roff(nameAndMeaning[1]));
            }
        }
        if (talksToAPlatform(command)) {
            page.add(".SH FILES");
            page.add(".TP");
            page.add(".I ~/.tutum");
            page.add(roff("INI file, section [auth]: user and apikey, or basic_auth (base64 of user:key);"
                          + " read when neither options nor environment give credentials."));
        }
        String[] examples = command.usageMessage().footer();
        if (examples.length > 0) {
            page.add(".SH EXAMPLES");
            page.add(".nf");
            page.add(".RS 4");
            for (String example : examples) {
                page.add(roff(example.stripLeading()));
            }
            page.add(".RE");
            page.add(".fi");
        }
        page.add(".SH SEE ALSO");
        page.add(seeAlso(command));
        return page.stream().collect(Collectors.joining("\n", "", "\n"));
    }

    /** {@code zdd redeploy} has the page {@code zdd-redeploy}, as git's subcommands do. */
    private static String pageName(CommandSpec command) {
        return command.qualifiedName("-");
    }

    private static String firstSentence(CommandSpec command) {
        String description = String.join(" ", command.usageMessage().description());
        int end = description.indexOf(". ");
        return (end < 0 ? description : description.substring(0, end + 1)).replaceAll("\\.$", "");
    }

    private static String synopsis(CommandSpec command) {
        StringBuilder synopsis = new StringBuilder("[OPTIONS]");
        for (PositionalParamSpec positional : command.positionalParameters()) {
            boolean many = positional.arity().max() > 1;
            boolean optional = positional.arity().min() == 0;
            String label = positional.paramLabel() + (many ? "..." : "");
            synopsis.append(' ').append(optional ? "[" + label + "]" : label);
        }
        if (!visibleSubcommands(command).isEmpty()) {
            synopsis.append(" COMMAND");
        }
        return synopsis.toString();
    }

    private static List<CommandSpec> visibleSubcommands(CommandSpec command) {
        return command.subcommands().values().stream().map(CommandLine::getCommandSpec)
                .filter(sub -> !sub.usageMessage().hidden()).distinct().toList();
    }

    /** {@code \fB--drain-delay\fR=\fIDURATION\fR}: the names in bold, the value's label in italics. */
    private static String optionNames(OptionSpec option) {
        String names = Arrays.stream(option.names()).map(name -> "\\fB" + roff(name) + "\\fR")
                .collect(Collectors.joining(", "));
        boolean takesValue = option.arity().max() > 0 && !option.type().isArray();
        return takesValue ? names + "=\\fI" + roff(option.paramLabel()) + "\\fR" : names;
    }

    private static List<String> variables(CommandSpec command) {
        List<String> variables = new ArrayList<>();
        if (command.parent() == null) {
            variables.addAll(LAUNCHER_VARIABLES);
        }
        if (talksToAPlatform(command)) {
            variables.addAll(PLATFORM_VARIABLES);
        }
        if (command.userObject() instanceof RedeployCommand) {
            variables.add("NO_COLOR:any non-empty value turns colour off, as --no-color does");
            variables.add("TERM:dumb turns the live progress lines off");
            variables.add("ZDD_LB:the load balancers, when --lb is not given: URLs separated by spaces");
            variables.add("ZDD_LB_AUTH:user:password for an HAProxy stats page whose URL carries none; never printed");
        }
        return variables;
    }

    private static boolean talksToAPlatform(CommandSpec command) {
        return command.mixins().values().stream().anyMatch(mixin -> mixin.userObject() instanceof PlatformOptions);
    }

    private static String seeAlso(CommandSpec command) {
        List<String> pages = new ArrayList<>();
        if (command.parent() != null) {
            pages.add(pageName(command.root()));
        }
        visibleSubcommands(command).forEach(sub -> pages.add(pageName(sub)));
        return pages.stream().map(name -> "\\fB" + roff(name) + "\\fR(1)").collect(Collectors.joining(",\n"));
    }

    /**
     * Text as roff reads it literally: backslashes escaped, every hyphen a real minus (so options can be copied and
     * searched), and a line that would start with a control character ({@code .} or {@code '}) guarded.
     */
    static String roff(String text) {
        String escaped = text.replace("\\", "\\e").replace("-", "\\-");
        return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
    }
}
