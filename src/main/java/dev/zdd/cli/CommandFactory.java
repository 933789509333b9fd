package dev.zdd.cli;

import dev.zdd.cli.command.RedeployCommand;
import dev.zdd.cli.command.ServicesCommand;
import dev.zdd.cli.sandbox.DemoCommand;
import dev.zdd.cli.sandbox.SandboxCommand;
import dev.zdd.cli.wiring.Environment;
import dev.zdd.cli.wiring.Secrets;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/** Hands the commands their collaborators, so that no command builds one inside {@code call()}. */
final class CommandFactory implements IFactory {

    private final Environment env;
    private final Secrets secrets;

    CommandFactory(Environment env, Secrets secrets) {
        this.env = env;
        this.secrets = secrets;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        if (type == RedeployCommand.class) {
            return type.cast(new RedeployCommand(env, secrets));
        }
        if (type == ServicesCommand.class) {
            return type.cast(new ServicesCommand(env, secrets));
        }
        if (type == SandboxCommand.class) {
            return type.cast(new SandboxCommand(env));
        }
        if (type == DemoCommand.class) {
            return type.cast(new DemoCommand(env));
        }
        return CommandLine.defaultFactory().create(type);
    }
}
