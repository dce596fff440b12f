package io.baton.deploy.compose;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One docker-compose project of deploy/compose on one engine, every call to it bounded by a deadline. */
final class ComposeProject {
  private static final String COMPOSE = "/usr/bin/docker-compose";
  private static final String DOCKER = "/usr/bin/docker";

  private final Path file;
  private final String name;
  private final Map<String, String> environment;

  ComposeProject(Path file, String name, Map<String, String> environment) {
    this.file = file;
    this.name = name;
    this.environment = Map.copyOf(environment);
  }

  String compose(Duration deadline, String... arguments) throws IOException, InterruptedException {
    return Deadlined.run(deadline, environment, command(arguments));
  }

  Deadlined.Result attempt(Duration deadline, String... arguments) throws IOException, InterruptedException {
    return Deadlined.attempt(deadline, environment, command(arguments));
  }

  private List<String> command(String... arguments) {
    List<String> command = new ArrayList<>(List.of(COMPOSE, "--ansi", "never", "-p", name, "-f", file.toString()));
    command.addAll(List.of(arguments));
    return command;
  }

  /** The service's container's state: "running", "exited 0", ... (one container per service here). */
  String state(String service) throws IOException, InterruptedException {
    String id = compose(Duration.ofSeconds(30), "ps", "-q", service).trim();
    if (id.isEmpty()) {
      return "absent";
    }
    return Deadlined.run(Duration.ofSeconds(30), environment,
        List.of(DOCKER, "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", id)).trim();
  }
}
