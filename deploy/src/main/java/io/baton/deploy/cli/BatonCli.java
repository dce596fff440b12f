package io.baton.deploy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code baton} command. */
@Command(name = "baton", mixinStandardHelpOptions = true, version = "baton 0.1.0",
    description = "Keeps an edge service next to a moving user.",
    subcommands = {DemoCommand.class, AgentCommand.class, BrokerCommand.class, PredictorCommand.class, BenchCommand.class,
        DeployCommand.class, MigrateCommand.class, CredentialsCommand.class})
public final class BatonCli {

  public static void main(String[] args) {
    System.exit(new CommandLine(new BatonCli()).setExecutionExceptionHandler(BatonCli::badInput).execute(args));
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
    if (failure instanceof io.baton.agent.runtime.docker.CheckpointProbe.ProbeFailedException
        || failure instanceof io.baton.agent.runtime.docker.DockerEngine.DockerEngineException) {
      // A site whose engine cannot hand services off refuses to start, saying why in one line.
      command.getErr().println("baton: " + failure.getMessage());
      return 1;
    }
    throw failure;
  }
}
