package io.baton.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.AgentConfig;
import io.baton.agent.runtime.docker.DockerRuntimeProvider;
import io.baton.agent.runtime.embedded.EmbeddedRuntime;
import io.baton.agent.runtime.embedded.EmbeddedRuntimeProvider;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runtimes are found through ServiceLoader by name, and refuse bad settings before they touch anything. */
class RuntimeProvidersTest {

  @Test
  void theRuntimesOnTheClassPathAreFoundByName() {
    assertEquals(List.of("docker", "embedded"), RuntimeProviders.names());
    assertInstanceOf(EmbeddedRuntimeProvider.class, RuntimeProviders.named("embedded"));
    assertInstanceOf(DockerRuntimeProvider.class, RuntimeProviders.named("docker"));
  }

  @Test
  void anUnknownRuntimeIsRefusedWithTheNamesThereAre() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> RuntimeProviders.named("podman"));
    assertEquals("unknown runtime 'podman'; available: docker, embedded", refused.getMessage());
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
