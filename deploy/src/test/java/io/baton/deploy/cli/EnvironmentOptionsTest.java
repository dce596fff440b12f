package io.baton.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.deploy.ops.EnvironmentDefaults;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** `baton agent|broker|predictor` take every option from a BATON_* variable as well as from its flag. */
class EnvironmentOptionsTest {
  private static final Map<String, String> REQUIRED = Map.of("BATON_SITE", "site-q", "BATON_HOST", "127.0.160.9",
      "BATON_MEMBERS", "127.0.160.1:19101,127.0.160.9:19101");

  @Test
  void everyOptionOfEveryMemberCommandIsReadFromItsVariable() {
    for (String name : BatonCli.MEMBER_COMMANDS) {
      Map<String, String> environment = new HashMap<>();
      CommandLine command = BatonCli.commandLine(Map.of()).getSubcommands().get(name);
      List<OptionSpec> options = command.getCommandSpec().options().stream().filter(o -> !o.usageHelp() && !o.versionHelp()).toList();
      options.forEach(option -> environment.put(EnvironmentDefaults.variable(option), "value-of-" + option.longestName()));
      CommandLine.IDefaultValueProvider provider = BatonCli.commandLine(environment).getSubcommands().get(name).getDefaultValueProvider();
      for (OptionSpec option : options) {
        assertEquals("value-of-" + option.longestName(), assertDoesNotThrow(() -> provider.defaultValue(option)),
            name + " " + option.longestName() + " from " + EnvironmentDefaults.variable(option));
      }
      assertTrue(options.size() >= 5, name + " has its options: " + options.size());
    }
  }

  @Test
  void variablesFillTheOptionsAFlagBeatsTheVariable() {
    Map<String, String> environment = new HashMap<>(REQUIRED);
    environment.put("BATON_CHUNK_STORE_MB", "64");
    environment.put("BATON_DRAIN_TIMEOUT", "7");
    environment.put("BATON_HEALTH_PORT", "19199");
    AgentCommand agent = parse(environment, "agent", "--drain-timeout", "9");
    assertEquals("site-q", agent.site);
    assertEquals("127.0.160.9", agent.member.host);
    assertEquals(List.of("127.0.160.1:19101", "127.0.160.9:19101"), agent.member.members, "split at commas, as the flag");
    assertEquals(64, agent.chunkStoreMb);
    assertEquals(19199, agent.member.healthPort, "an option of the shared member options");
    assertEquals(9, agent.drainTimeoutS, "the flag, not BATON_DRAIN_TIMEOUT");
    assertEquals(5683, agent.coapPort, "no variable, no flag: the default");

    BrokerCommand broker = parse(Map.of("BATON_HOST", "127.0.160.1", "BATON_MEMBERS", "127.0.160.1:19101",
        "BATON_TIME_TO_TRIGGER", "500", "BATON_API_PORT", ""), "broker");
    assertEquals(500, broker.trigger.timeToTriggerMs);
    assertEquals(0, broker.apiPort, "an empty variable is unset");
  }

  @Test
  void aBadValueInAVariableIsRefusedNamingTheVariable() {
    Map<String, String> environment = new HashMap<>(REQUIRED);
    environment.put("BATON_CHUNK_STORE_MB", "lots");
    StringWriter err = new StringWriter();
    CommandLine cli = BatonCli.commandLine(environment);
    cli.setErr(new PrintWriter(err, true));
    assertEquals(2, cli.execute("agent"));
    assertTrue(err.toString().startsWith("baton: environment variable BATON_CHUNK_STORE_MB=lots: "), err.toString());
    assertTrue(err.toString().contains("--chunk-store-mb"), err.toString());

    // The same mistake in a flag is picocli's own message: no variable was involved.
    StringWriter flagErr = new StringWriter();
    CommandLine again = BatonCli.commandLine(environment);
    again.setErr(new PrintWriter(flagErr, true));
    assertEquals(2, again.execute("agent", "--chunk-store-mb", "heaps"));
    assertFalse(flagErr.toString().contains("environment variable BATON_CHUNK_STORE_MB=lots"), flagErr.toString());
    assertTrue(flagErr.toString().contains("heaps"), flagErr.toString());
  }

  @SuppressWarnings("unchecked")
  private static <T> T parse(Map<String, String> environment, String... args) {
    CommandLine.ParseResult parsed = BatonCli.commandLine(environment).parseArgs(args);
    return (T) parsed.subcommand().commandSpec().userObject();
  }

  private static String assertDoesNotThrow(java.util.concurrent.Callable<String> call) {
    try {
      return call.call();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
