package dev.zdd.cli.command;

import dev.zdd.cli.common.Diagnostics;
import dev.zdd.cli.common.ExitCodes;
import dev.zdd.cli.output.OutputFormat;
import dev.zdd.cli.output.ServiceList;
import dev.zdd.cli.wiring.Environment;
import dev.zdd.cli.wiring.PlatformOptions;
import dev.zdd.cli.wiring.Secrets;
import dev.zdd.platform.Platform;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.io.PrintWriter;
import java.time.Duration;
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

    /** The longest {@code zdd services} takes, whatever the API does. */
    public static final Duration BOUND = Duration.ofSeconds(60);

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
        Platform platform = env.platforms().open(platformOptions.resolve(spec.commandLine(), env, secrets));
        // A listing is a few GETs; whatever the API does, it is over within this bound (retries included).
        platform.callsUntil(env.clock().instant().plus(BOUND));
        List<Service> live = platform.services().stream()
                .filter(service -> service.state() != ServiceState.TERMINATED)
                .sorted(BY_NAME)
                .toList();
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.JSON) {
            ServiceList.ndjson(out, live, env.clock().instant());
        } else {
            ServiceList.table(out, live);
        }
        out.flush();
        return ExitCodes.SUCCESS;
    }
}
