package io.baton.deploy.cli;

import io.baton.deploy.ops.EnvironmentDefaults;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code baton} command. */
@Command(name = "baton", mixinStandardHelpOptions = true, version = "baton 0.1.0",
    description = "Keeps an edge service next to a moving user.",
    subcommands = {DemoCommand.class, AgentCommand.class, BrokerCommand.class, PredictorCommand.class, BenchCommand.class,
        DeployCommand.class, MigrateCommand.class, CredentialsCommand.class, ExampleCommand.class, DriveCommand.class})
public final class BatonCli {

  /** The member commands an operator configures by environment as well as by flags. */
  static final java.util.List<String> MEMBER_COMMANDS = java.util.List.of("agent", "broker", "predictor");

  public static void main(String[] args) {
    System.exit(commandLine(System.getenv()).execute(args));
  }

  /** The {@code baton} command line, its member commands reading {@code environment} for options not given as flags. */
  public static CommandLine commandLine(java.util.Map<String, String> environment) {
    CommandLine cli = new CommandLine(new BatonCli()).setExecutionExceptionHandler(BatonCli::badInput);
    EnvironmentDefaults defaults = new EnvironmentDefaults(environment);
    for (String name : MEMBER_COMMANDS) {
      CommandLine member = cli.getSubcommands().get(name);
      member.setDefaultValueProvider(defaults);
      member.getCommandSpec().usageMessage().footer(EnvironmentDefaults.helpFooter());
    }
    // After the example's name, every argument is the example's own, even those that look like options.
    cli.getSubcommands().get(ExampleCommand.NAME).setStopAtPositional(true);
    CommandLine.IParameterExceptionHandler picocli = cli.getParameterExceptionHandler();
    cli.setParameterExceptionHandler((failure, args) -> {
      java.util.Optional<String> fromEnvironment = defaults.explain(failure, args);
      if (fromEnvironment.isEmpty()) {
        return picocli.handleParseException(failure, args);
      }
      failure.getCommandLine().getErr().println("baton: " + fromEnvironment.get());
      return 2;
    });
    return cli;
  }

  /** Bad input (a wrong option value, a missing or malformed file) is a one-line error, not a stack trace. */
  private static int badInput(Exception failure, CommandLine command, CommandLine.ParseResult parsed) throws Exception {
    if (failure instanceof java.nio.file.NoSuchFileException missing) {
      command.getErr().println("baton: no such file: " + missing.getFile());
      return 2;
    }
    if (failure instanceof IllegalArgumentException || failure instanceof java.io.IOException
        || failure instanceof io.baton.protocol.security.CredentialException) {
      command.getErr().println("baton: " + failure.getMessage());
      return 2;
    }
    if (failure instanceof io.baton.agent.runtime.container.CheckpointProbe.ProbeFailedException
        || failure instanceof io.baton.agent.runtime.docker.DockerEngine.DockerEngineException) {
      // A site whose engine cannot hand services off refuses to start, saying why in one line.
      command.getErr().println("baton: " + failure.getMessage());
      return 1;
    }
    throw failure;
  }
}
