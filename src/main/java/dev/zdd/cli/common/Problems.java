package dev.zdd.cli.common;

import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Service;
import dev.zdd.rollout.DuplicateTargetException;
import dev.zdd.rollout.ImageRefusedException;
import dev.zdd.rollout.LbPreflightException;
import dev.zdd.rollout.LoadBalancerException;
import dev.zdd.rollout.PreflightException;
import dev.zdd.rollout.ResolutionException;
import dev.zdd.rollout.UnsupportedStepException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** What a failure means to the user, and what to do about it: the text after {@code zdd: }, one line each. */
public final class Problems {

    private Problems() {
    }

    /** Prints the failure as {@code zdd: } lines, and its stack trace when asked ({@code -vv}). */
    public static void print(PrintWriter err, Throwable failure, boolean trace) {
        describe(failure).forEach(line -> err.println("zdd: " + line));
        if (trace) {
            StringWriter stack = new StringWriter();
            failure.printStackTrace(new PrintWriter(stack));
            err.print(stack);
        }
        err.flush();
    }

    public static List<String> describe(Throwable failure) {
        if (failure instanceof UnmatchedArgumentException unmatched) {
            return List.of(unmatched(unmatched));
        }
        if (failure instanceof ParameterException || failure instanceof UnsupportedStepException) {
            return List.of(failure.getMessage());
        }
        if (failure instanceof ResolutionException resolution) {
            return resolution.unresolved().stream().map(Problems::unresolved).toList();
        }
        if (failure instanceof DuplicateTargetException) {
            return List.of(failure.getMessage() + "; name each service once");
        }
        if (failure instanceof ImageRefusedException images) {
            return List.of("preflight refused, nothing was redeployed: " + images.getMessage()
                           + "; check the image reference, and the registry credentials (docker login, or"
                           + " DOCKER_CONFIG); on Swarm, --no-resolve-image redeploys what the spec pins without"
                           + " asking a registry");
        }
        if (failure instanceof LbPreflightException preflight) {
            return List.of("preflight refused, nothing was redeployed: " + preflight.getMessage());
        }
        if (failure instanceof LoadBalancerException) {
            return List.of("the load balancer failed: " + failure.getMessage());
        }
        if (failure instanceof PreflightException preflight) {
            return List.of("preflight refused, nothing was redeployed: " + preflight.getMessage()
                           + "; wait until every target is fully Running, or use --force");
        }
        if (failure instanceof PlatformException platform) {
            return List.of(platform(platform));
        }
        return List.of("unexpected failure (" + failure.getClass().getSimpleName()
                       + (failure.getMessage() == null ? "" : ": " + failure.getMessage())
                       + "); run again with -vv for the details, and please report it");
    }

    /** Names only the unknown options, never a value glued to one: {@code --apikey=KEY} must not echo the key. */
    private static String unmatched(UnmatchedArgumentException failure) {
        List<String> options = failure.getUnmatched().stream()
                .filter(argument -> argument.startsWith("-"))
                .map(argument -> argument.contains("=") ? argument.substring(0, argument.indexOf('=')) : argument)
                .toList();
        if (options.isEmpty()) {
            Set<String> commands = failure.getCommandLine().getCommandSpec().subcommands().keySet();
            if (!commands.isEmpty()) {
                return unknownCommand(failure.getUnmatched().get(0), failure.getSuggestions(), commands);
            }
            return "unexpected argument: " + failure.getUnmatched().stream()
                    .map(argument -> "'" + argument + "'").collect(Collectors.joining(", "));
        }
        String message = "unknown option " + options.stream().map(o -> "'" + o + "'").collect(Collectors.joining(", "));
        if (options.contains("--apikey")) {
            return message + ": the API key is never taken on the command line; "
                   + "use --apikey-file FILE or the TUTUM_APIKEY variable";
        }
        List<String> suggestions = failure.getSuggestions();
        return suggestions.isEmpty() ? message : message + "; did you mean " + String.join(" or ", suggestions) + "?";
    }

    /** A word where a command belongs: the nearest command (picocli's suggestions, most alike first), or all. */
    private static String unknownCommand(String word, List<String> suggestions, Set<String> commands) {
        String message = "unknown command '" + word + "'";
        if (!suggestions.isEmpty()) {
            return message + "; did you mean " + suggestions.get(0) + "?";
        }
        List<String> all = List.copyOf(commands);
        return message + ": the commands are " + String.join(", ", all.subList(0, all.size() - 1)) + " and "
               + all.get(all.size() - 1);
    }

    private static String unresolved(ResolutionException.Unresolved unresolved) {
        if (unresolved.candidates().isEmpty()) {
            return "'" + unresolved.argument() + "' matches no live service; 'zdd services' lists them";
        }
        return "'" + unresolved.argument() + "' matches " + unresolved.candidates().size() + " live services: "
               + unresolved.candidates().stream().map(Problems::candidate).collect(Collectors.joining(", "))
               + "; name one as NAME.STACK or by its uuid";
    }

    private static String candidate(Service service) {
        return service.name() + " (stack " + (service.stack() == null ? "-" : service.stack())
               + ", uuid " + service.id() + ")";
    }

    private static String platform(PlatformException failure) {
        String request = failure.method() == null ? "" : " (" + failure.method() + " " + failure.path() + ")";
        return switch (failure.kind()) {
            case CREDENTIALS, CONFIGURATION -> failure.getMessage();
            case STATUS -> failure.isAuthentication()
                    ? "the platform refused the credentials with HTTP " + failure.status() + request
                      + ": check the user, the API key and its permissions"
                    : "the platform answered HTTP " + failure.status() + request + ": " + failure.getMessage();
            case TRANSPORT -> failure.isDeadline()
                    ? "gave up waiting for the platform" + request + ": " + failure.getMessage()
                    : "could not reach the platform" + request + ": " + failure.getMessage()
                      + "; check --api-url and the network";
            case DECODE -> "the platform's answer could not be read" + request + ": " + failure.getMessage()
                           + "; is --api-url the platform's API?";
        };
    }
}
