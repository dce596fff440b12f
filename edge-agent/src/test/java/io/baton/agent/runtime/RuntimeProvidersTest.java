package io.baton.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.AgentConfig;
import io.baton.agent.runtime.docker.DockerRuntimeProvider;
import io.baton.agent.runtime.embedded.EmbeddedRuntime;
import io.baton.agent.runtime.embedded.EmbeddedRuntimeProvider;
import io.baton.agent.runtime.runc.RuncRuntimeProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runtimes are found through ServiceLoader by name, and refuse bad settings before they touch anything. */
class RuntimeProvidersTest {

  @Test
  void theRuntimesOnTheClassPathAreFoundByName() {
    assertEquals(List.of("docker", "embedded", "runc"), RuntimeProviders.names());
    assertInstanceOf(RuncRuntimeProvider.class, RuntimeProviders.named("runc"));
    assertInstanceOf(EmbeddedRuntimeProvider.class, RuntimeProviders.named("embedded"));
    assertInstanceOf(DockerRuntimeProvider.class, RuntimeProviders.named("docker"));
  }

  @Test
  void anUnknownRuntimeIsRefusedWithTheNamesThereAre() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> RuntimeProviders.named("podman"));
    assertEquals("unknown runtime 'podman'; available: docker, embedded, runc", refused.getMessage());
  }

  @Test
  void aBadDockerSettingIsRefusedBeforeAnyEngineIsProbed() {
    RuntimeProvider docker = RuntimeProviders.named("docker");
    // No engine listens at this socket: a probe would fail differently, so the message proves none ran.
    RuntimeSettings noEngine = RuntimeSettings.of(Map.of(DockerRuntimeProvider.DOCKER_HOST, "unix:///nonexistent/docker.sock"));
    assertEquals("memory-cap-mb must be a whole number, got 'seventy'", assertThrows(IllegalArgumentException.class,
        () -> docker.prepare(noEngine.with(DockerRuntimeProvider.MEMORY_CAP_MB, "seventy"))).getMessage());
    String unknownKind = assertThrows(IllegalArgumentException.class,
        () -> docker.prepare(noEngine.with(DockerRuntimeProvider.ENGINE_DEADLINES, "nap=3"))).getMessage();
    assertTrue(unknownKind.startsWith("engine deadline 'nap=3' is not kind=seconds"), unknownKind);
    assertEquals("memory-cap-mb must be between 0 and 8796093022207, got -1", assertThrows(IllegalArgumentException.class,
        () -> docker.prepare(noEngine.with(DockerRuntimeProvider.MEMORY_CAP_MB, "-1"))).getMessage());
  }

  @Test
  void badRuncSettingsAreRefusedBeforeAnythingIsMade() {
    RuntimeProvider runc = RuntimeProviders.named("runc");
    assertEquals("state-root must be an absolute path, got 'runc-sites'", assertThrows(IllegalArgumentException.class,
        () -> runc.prepare(RuntimeSettings.of(Map.of(RuncRuntimeProvider.STATE_ROOT, "runc-sites")))).getMessage());
    assertEquals("a runc site's subnet is an IPv4 /24 such as 10.233.1.0/24, got '10.9.0.0/16'",
        assertThrows(IllegalArgumentException.class,
            () -> runc.prepare(RuntimeSettings.of(Map.of(RuncRuntimeProvider.SUBNET, "10.9.0.0/16")))).getMessage());
  }

  /** A real site: its state root made, its image copied from the site-a Docker engine, a probe dumped and restored. */
  @Test
  void theRuncProviderProbesItsSiteBeforeItTakesServices() throws Exception {
    Vertx vertx = Vertx.vertx();
    Path root = Files.createTempDirectory("baton-runc-provider");
    try {
      SiteRuntime site = RuntimeProviders.named("runc").prepare(RuntimeSettings.of(Map.of(
              RuncRuntimeProvider.STATE_ROOT, root.toString(), RuncRuntimeProvider.SUBNET, "10.233.9.0/24",
              RuncRuntimeProvider.IMAGE_SOURCE, "unix:///var/lib/baton/engines/site-a/docker.sock")))
          .start(vertx, AgentConfig.of("site-p", "127.0.0.1")).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertEquals("runc", site.lifecycle().name());
      assertTrue(Files.exists(root.resolve("site-p").resolve("images").resolve("index.json")));
      try (var left = Files.list(root.resolve("site-p").resolve("containers"))) {
        assertEquals(0, left.count(), "the probe container is gone");
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theEmbeddedProviderStartsAPagedMemoryRuntimeAtTheSite() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      SiteRuntime site = RuntimeProviders.named("embedded").prepare(RuntimeSettings.none())
          .start(vertx, AgentConfig.of("site-a", "127.0.0.1")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertInstanceOf(EmbeddedRuntime.class, site.lifecycle());
      assertInstanceOf(PagedMemoryRuntime.class, site.lifecycle());
      assertTrue(site.lifecycle().serviceKinds().contains("kv"));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
