package dev.zdd.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.zdd.cli.common.Diagnostics;
import dev.zdd.cli.common.ExitCodes;
import dev.zdd.cli.output.JsonRenderer;
import dev.zdd.cli.output.OutputFormat;
import dev.zdd.cli.wiring.Environment;
import dev.zdd.cli.wiring.PlatformOptions;
import dev.zdd.cli.wiring.Secrets;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code zdd services}: the live services, as a table or as NDJSON {@code service} lines (one per service, the
 * same shape as {@code redeploy}'s events, so one reader handles both).
 */
@Command(name = "services", sortOptions = false, usageHelpAutoWidth = true,
        description = "Lists the live services: name, stack, uuid, state, running/target containers.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the services were listed", "2:usage error: unknown option or bad value",
            ExitCodes.PLATFORM_DOC},
        footerHeading = "%nExamples:%n",
        footer = {
            "  zdd services",
            "  zdd services --platform dockercloud --namespace acme --output json | jq -r .name"
        })
public final class ServicesCommand implements Callable<Integer> {

    private static final Comparator<Service> BY_NAME = Comparator.comparing(Service::name)
            .thenComparing(s -> s.stack() == null ? "" : s.stack());

    @Spec
    CommandSpec spec;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (NDJSON, one service per line; default ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Mixin
    Diagnostics diagnostics;

    @Mixin
    PlatformOptions platformOptions;

    private final Environment env;
    private final Secrets secrets;

    public ServicesCommand(Environment env, Secrets secrets) {
        this.env = env;
        this.secrets = secrets;
    }

    @Override
    public Integer call() {
        diagnostics.apply(spec.commandLine());
        List<Service> live = env.platforms().open(platformOptions.resolve(spec.commandLine(), env, secrets))
                .services().stream()
                .filter(service -> service.state() != ServiceState.TERMINATED)
                .sorted(BY_NAME)
                .toList();
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.JSON) {
            json(out, live);
        } else {
            table(out, live);
        }
        out.flush();
        return ExitCodes.SUCCESS;
    }

    private void json(PrintWriter out, List<Service> services) {
        String time = env.clock().instant().truncatedTo(ChronoUnit.MILLIS).toString();
        for (Service service : services) {
            try {
                out.println(JsonRenderer.MAPPER.writeValueAsString(JsonRenderer.MAPPER.createObjectNode()
                        .put("event", "service").put("time", time).put("name", service.name())
                        .put("stack", service.stack()).put("uuid", service.id()).put("state", service.stateLabel())
                        .put("running", service.running()).put("target", service.target())));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void table(PrintWriter out, List<Service> services) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "STACK", "UUID", "STATE", "CONTAINERS"});
        for (Service service : services) {
            rows.add(new String[] {service.name(), service.stack() == null ? "-" : service.stack(), service.id(),
                    service.stateLabel(), service.running() + "/" + service.target()});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(String.format("%-" + (widths[i] + 3) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
