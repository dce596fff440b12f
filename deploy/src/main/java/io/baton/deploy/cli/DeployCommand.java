package io.baton.deploy.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "deploy", mixinStandardHelpOptions = true,
    description = "Starts a container service at a docker site (an agent run with --runtime docker).")
final class DeployCommand implements Callable<Integer> {
  @Option(names = "--site", required = true, description = "the site to run it at")
  String site;

  @Option(names = "--image", required = true, description = "the image, present at that site's engine")
  String image;

  @Option(names = "--instance", required = true, description = "instance id")
  String instance;

  @Option(names = "--cpus", description = "CPU limit (default: none)", defaultValue = "0")
  double cpus;

  @Option(names = "--memory-mb", description = "memory limit (default: none)", defaultValue = "0")
  long memoryMb;

  @Option(names = "--query", split = " ", description = "command run in the container to answer a call, e.g. \"/usr/bin/memwork query\"")
  List<String> query;

  @Option(names = "--port", description = "the TCP port the service listens on in the container (1..65535): calls are "
      + "forwarded to it over HTTP, the query command is then only a health check (default: none)", defaultValue = "0")
  int port;

  @Parameters(description = "the container's command (default: the image's)")
  List<String> cmd;

  @Mixin
  MemberOptions member;

  @Override
  public Integer call() throws Exception {
    JsonObject request = new JsonObject().put("instanceId", instance).put("image", image).put("cpus", cpus)
        .put("memoryMb", memoryMb).put("cmd", new JsonArray(cmd == null ? List.of() : cmd))
        .put("query", new JsonArray(query == null ? List.of() : query));
    if (port != 0) {
      request.put("port", port);
    }
    return DockerRequests.asMember(member, vertx -> {
      JsonObject reply = DockerRequests.send(vertx, site, "deploy", request);
      System.out.printf("%s runs at %s%n", reply.getString("instanceId"), reply.getString("site"));
      return 0;
    });
  }
}
