package io.baton.agent.runtime.container;

/** {@link NetworkedServiceTest} on two Docker Engines. */
class DockerNetworkedServiceTest extends NetworkedServiceTest {
  @Override
  ContainerEngine open(String site) {
    return TestEngines.docker(site);
  }

  @Override
  String address(int n) {
    return "127.0.21." + n;
  }

  @Override
  int port(int n) {
    return 7710 + n;
  }
}
