package io.baton.agent.runtime.container;

/** {@link ContainerHandoffTest} on two runc sites. */
class RuncHandoffTest extends ContainerHandoffTest {
  @Override
  ContainerEngine open(String site) {
    return TestEngines.runc(site);
  }

  @Override
  String address(int n) {
    return "127.0.22." + n;
  }

  @Override
  int port(int n) {
    return 7720 + n;
  }
}
