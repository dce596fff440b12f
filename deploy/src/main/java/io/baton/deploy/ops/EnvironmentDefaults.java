package io.baton.deploy.ops;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Takes an option's value from the environment when the command line does not give it: {@code
 * --chunk-store-mb} from {@code BATON_CHUNK_STORE_MB}, as containers and unit files configure a
 * process. A flag beats the variable (picocli asks a default provider only for options not on the
 * command line); an empty variable counts as unset. Picocli converts and checks the value as it
 * would the flag's, and {@link #explain} names the variable when that fails.
 */
public final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
  public static final String PREFIX = "BATON_";

  private final Map<String, String> environment;

  public EnvironmentDefaults(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** The variable that sets {@code option}: its longest name, upper case, dashes as underscores, prefixed. */
  public static String variable(OptionSpec option) {
    return PREFIX + option.longestName().replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }

  @Override
  public String defaultValue(ArgSpec argument) {
    if (!(argument instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
      return null;
    }
    return set(option).orElse(null);
  }

  private Optional<String> set(OptionSpec option) {
    return Optional.ofNullable(environment.get(variable(option))).filter(value -> !value.isEmpty());
  }

  /**
   * If {@code failure} is about a value this provider supplied, the message again with the variable
   * named (the operator set no flag, so picocli's message alone would puzzle them).
   */
  public Optional<String> explain(CommandLine.ParameterException failure, String[] args) {
    if (!(failure.getArgSpec() instanceof OptionSpec option) || set(option).isEmpty()) {
      return Optional.empty();
    }
    // Picocli's parse result is not filled in yet when a value fails: look at the arguments.
    boolean flagGiven = java.util.Arrays.stream(args).anyMatch(arg -> java.util.Arrays.stream(option.names())
        .anyMatch(flag -> arg.equals(flag) || arg.startsWith(flag + "=")));
    if (flagGiven) {
      return Optional.empty(); // the variable played no part
    }
    return Optional.of("environment variable " + variable(option) + "=" + set(option).get() + ": " + failure.getMessage());
  }

  /** One line for a command's help. */
  public static String helpFooter() {
    return "%nEvery option can also be set by an environment variable: --chunk-store-mb by BATON_CHUNK_STORE_MB, "
        + "--members by BATON_MEMBERS (comma separated), and so on. A flag beats the variable.";
  }
}
