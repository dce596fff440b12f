package io.baton.deploy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `baton agent --runtime` takes the runtimes ServiceLoader finds, and refuses others before anything starts. */
class RuntimeOptionTest {

  @Test
  void anUnknownRuntimeIsRefusedInOneLineBeforeTheAgentLooksForCredentials() {
    StringWriter err = new StringWriter();
    CommandLine cli = BatonCli.commandLine(new HashMap<>(Map.of("BATON_HOST", "127.0.171.1", "BATON_MEMBERS", "127.0.171.1:5701")));
    cli.setErr(new PrintWriter(err, true));
    assertEquals(2, cli.execute("agent", "--site", "site-a", "--runtime", "podman", "--health-port", "0"), err.toString());
    assertEquals("baton: unknown runtime 'podman'; available: docker, embedded, runc", err.toString().strip());
  }

  @Test
  void helpNamesEveryRuntimeOnTheClassPath() {
    StringWriter out = new StringWriter();
    CommandLine cli = BatonCli.commandLine(new HashMap<>());
    cli.setOut(new PrintWriter(out, true));
    assertEquals(0, cli.execute("agent", "--help"));
    assertTrue(out.toString().replaceAll("\\s+", " ").contains("on the class path: docker, embedded, runc"), out.toString());
  }

  @Test
  void runtimeSettingsReachTheRuntimeByName() {
    AgentCommand agent = (AgentCommand) BatonCli.commandLine(new HashMap<>()).parseArgs("agent", "--host", "127.0.171.1", "--site", "site-a",
        "--runtime", "docker", "--memory-cap-mb", "64", "--runtime-setting", "probe-image=baton/counter:1").subcommand()
        .commandSpec().userObject();
    assertEquals("docker", agent.runtime);
    assertEquals(Map.of("probe-image", "baton/counter:1"), agent.runtimeSettings);
  }
}
