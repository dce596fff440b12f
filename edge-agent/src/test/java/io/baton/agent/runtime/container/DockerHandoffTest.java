package io.baton.agent.runtime.container;

import io.baton.protocol.security.MemberCredentials;

/** {@link ContainerHandoffTest} on two Docker Engines. */
class DockerHandoffTest extends ContainerHandoffTest {
  @Override
  ContainerEngine open(String site, MemberCredentials member) {
    return TestEngines.docker(site);
  }

  @Override
  String address(int n) {
    return "127.0.20." + n;
  }

  @Override
  int port(int n) {
    return 7700 + n;
  }
}
