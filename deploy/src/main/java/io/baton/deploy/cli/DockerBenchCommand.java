package io.baton.deploy.cli;

import io.baton.deploy.bench.DockerBench;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "docker", mixinStandardHelpOptions = true,
    description = "Seed 002's Table 3 on real engines: Baton's handoffs through the broker's saga on two docker sites "
        + "(pre-staged, cold) and two runc sites (pre-staged, cold, post-copy, adaptive), and seed 004's "
        + "checkpoint-copy-restore recipe on the Docker engines as the baseline, side by side.")
final class DockerBenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "memwork 16 MB, 20 Mbps/50 ms and 100 Mbps/6 ms, one run each")
  boolean quick;

  @Option(names = "--runs", description = "runs per cell (default 5, quick 1)")
  Integer runs;

  @Option(names = "--apps", split = ",", description = "busybox,memwork (default both)")
  List<String> apps;

  @Option(names = "--mbps", split = ",", description = "bandwidths (default 5,10,20,100)")
  List<Double> mbps;

  @Option(names = "--latencies", split = ",", description = "round-trip latencies in ms (default 50,6)")
  List<Double> latencies;

  @Option(names = "--methods", split = ",", description = "prestaged,cold,seed004 (docker sites), runc-prestaged,runc-cold,"
      + "post-copy,hybrid,adaptive (runc sites); default all")
  List<String> methods;

  @Option(names = "--memory-mb", description = "memwork state size (default 64, quick 16)")
  Integer memoryMb;

  @Option(names = "--dirty-kbps", description = "memwork dirty rate (default ${DEFAULT-VALUE})", defaultValue = "128")
  int dirtyKbps;

  @Option(names = "--engine-a", description = "site-a's Docker host (default ${DEFAULT-VALUE})",
      defaultValue = "unix:///var/lib/baton/engines/site-a/docker.sock")
  String engineA;

  @Option(names = "--engine-b", description = "site-b's Docker host (default ${DEFAULT-VALUE})",
      defaultValue = "unix:///var/lib/baton/engines/site-b/docker.sock")
  String engineB;

  @Option(names = "--out", description = "where to write docker.md and docker.csv (default ${DEFAULT-VALUE})",
      defaultValue = "src/site/resources/bench/docker")
  Path out;

  @Option(names = "--phases", description = "print every handoff's steps (the saga's, as journaled) with their times")
  boolean phases;

  @Option(names = "--subnet", description = "the docker mesh's broker binds 127.0.N.1, its two sites .2 and .3; the runc "
      + "mesh's 127.0.N+1.x (default ${DEFAULT-VALUE})",
      defaultValue = "21")
  int subnet;

  @Override
  public Integer call() throws Exception {
    System.setProperty("org.slf4j.simpleLogger.log.io.baton", "warn");
    DockerBench.Options base = quick ? DockerBench.Options.quick(out, engineA, engineB) : DockerBench.Options.full(out, engineA, engineB);
    List<DockerBench.Link> links = base.links();
    if (mbps != null || latencies != null) {
      links = new ArrayList<>();
      for (double latency : latencies != null ? latencies : List.of(50.0, 6.0)) {
        for (double bandwidth : mbps != null ? mbps : List.of(5.0, 10.0, 20.0, 100.0)) {
          if (bandwidth <= 0 || latency < 0) {
            throw new IllegalArgumentException("bandwidth must be positive and latency not negative");
          }
          links.add(new DockerBench.Link(bandwidth, latency));
        }
      }
    }
    List<String> chosenApps = apps == null ? base.apps() : apps;
    List<String> chosenMethods = methods == null ? base.methods() : methods;
    if (!List.of("busybox", "memwork").containsAll(chosenApps) || !DockerBench.METHODS.containsAll(chosenMethods)
        || subnet < 0 || subnet > 254 || (runs != null && runs < 1) || (memoryMb != null && memoryMb < 1) || dirtyKbps < 0) {
      throw new IllegalArgumentException("apps: busybox,memwork; methods: " + String.join(",", DockerBench.METHODS)
          + "; runs and sizes positive");
    }
    DockerBench.Options options = new DockerBench.Options(chosenApps, links, chosenMethods, runs == null ? base.runs() : runs,
        memoryMb == null ? base.memoryMb() : memoryMb, dirtyKbps, base.warmupMillis(), engineA, engineB, out, phases, subnet);
    return new DockerBench(options, System.out).run().stream().allMatch(DockerBench.Run::ok) ? 0 : 1;
  }
}
