package io.baton.agent.runtime.container;

/** {@link NetworkedServiceTest} on two runc sites. */
class RuncNetworkedServiceTest extends NetworkedServiceTest {
  @Override
  ContainerEngine open(String site) {
    return TestEngines.runc(site);
  }

  @Override
  String address(int n) {
    return "127.0.23." + n;
  }

  @Override
  int port(int n) {
    return 7730 + n;
  }
}
