package io.baton.deploy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code baton} command. */
@Command(name = "baton", mixinStandardHelpOptions = true, version = "baton 0.1.0",
    description = "Keeps an edge service next to a moving user.",
    subcommands = {DemoCommand.class, AgentCommand.class, BrokerCommand.class, BenchCommand.class, DeployCommand.class,
        MigrateCommand.class})
public final class BatonCli {

  public static void main(String[] args) {
    System.exit(new CommandLine(new BatonCli()).execute(args));
  }
}
