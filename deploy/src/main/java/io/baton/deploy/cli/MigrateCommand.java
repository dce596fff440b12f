package io.baton.deploy.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Hands a container service off to another docker site and prints the handoff's phases.")
final class MigrateCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "instance id")
  String instance;

  @Option(names = "--to", required = true, description = "the target site")
  String toSite;

  @Option(names = "--cold", description = "no pre-staging: everything crosses after the request")
  boolean cold;

  @Mixin
  MemberOptions member;

  @Override
  public Integer call() throws Exception {
    return DockerRequests.asMember(member, vertx -> {
      String from = DockerRequests.siteOf(vertx, instance);
      JsonObject reply = DockerRequests.send(vertx, from, "migrate",
          new JsonObject().put("instanceId", instance).put("toSite", toSite).put("prestage", !cold));
      System.out.print(reply.getString("text"));
      return reply.getBoolean("restored") ? 0 : 1;
    });
  }
}
