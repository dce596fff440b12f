package io.baton.deploy;

import io.baton.agent.runtime.docker.DockerEngine;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A third Docker Engine whose CRIU can be made to hang, as Debian 13's CRIU 4.1 hangs in every
 * dump on kernel 6.18: deploy/scripts/docker-engine.sh starts it with a `criu` of its own first
 * on its PATH, which runs the real CRIU until {@link #hang} is switched on and then never
 * returns. runc freezes the container before it calls CRIU, so a checkpoint stuck there leaves
 * the container frozen, as the real hang does. The workload images are copied from another engine.
 */
final class StuckCriuEngine implements AutoCloseable {
  static final String SITE = "site-stuck";
  private static final Path SCRIPT = Path.of("scripts", "docker-engine.sh");

  private final Path flag;
  private final DockerEngine engine;

  private StuckCriuEngine(Path flag, DockerEngine engine) {
    this.flag = flag;
    this.engine = engine;
  }

  static String host() {
    return "unix:///var/lib/baton/engines/" + SITE + "/docker.sock";
  }

  /** Starts the engine (or finds it running) and loads {@code images} into it from {@code from}. */
  static StuckCriuEngine start(DockerEngine from, List<String> images) throws Exception {
    Path bin = Files.createTempDirectory("baton-stuck-criu");
    Path flag = bin.resolve("hang");
    Path criu = bin.resolve("criu");
    Files.writeString(criu, "#!/bin/sh\n"
        + "# CRIU that hangs while " + flag + " exists (StuckCriuEngine)\n"
        + "if [ -e '" + flag + "' ]; then exec sleep 3600; fi\n"
        + "exec '" + realCriu() + "' \"$@\"\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(criu, PosixFilePermissions.fromString("rwxr-xr-x"));
    // A leftover engine from an interrupted run has another PATH: stop it first.
    script("stop", null);
    script("start", bin);
    DockerEngine engine = ContainerEngines.open(host());
    for (String image : images) {
      if (!engine.hasImage(image)) {
        try (InputStream saved = from.save(image)) {
          engine.load(saved);
        }
      }
    }
    return new StuckCriuEngine(flag, engine);
  }

  DockerEngine engine() {
    return engine;
  }

  /** From now on every CRIU call of this engine hangs ({@code true}) or runs the real CRIU. */
  void hang(boolean stuck) throws IOException {
    if (stuck) {
      Files.writeString(flag, "");
    } else {
      Files.deleteIfExists(flag);
    }
  }

  /** runc processes still checkpointing or restoring anything on this machine. */
  static long runcStillWorking() {
    return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
        .filter(line -> line.contains("runc") && (line.contains(" checkpoint ") || line.contains(" restore "))).isPresent())
        .count();
  }

  @Override
  public void close() throws Exception {
    hang(false);
    ContainerEngines.removeBatonContainers(engine);
    engine.client().listContainersCmd().withShowAll(true).exec().forEach(c -> engine.remove(c.getId()));
    engine.close();
    script("stop", null);
  }

  private static String realCriu() {
    for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
      File candidate = new File(dir, "criu");
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    return "/usr/local/bin/criu";
  }

  private static void script(String action, Path enginePath) throws IOException, InterruptedException {
    ProcessBuilder command = new ProcessBuilder("bash", SCRIPT.toString(), action, SITE).redirectErrorStream(true);
    if (enginePath != null) {
      command.environment().put("BATON_ENGINE_PATH", enginePath.toString());
    }
    Process process = command.start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("docker-engine.sh " + action + " " + SITE + " did not finish within 90 s");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IllegalStateException("docker-engine.sh " + action + " " + SITE + " failed: " + output);
    }
  }
}
