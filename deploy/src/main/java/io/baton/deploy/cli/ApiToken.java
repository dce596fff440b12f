package io.baton.deploy.cli;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The operator's bearer token: $BATON_API_TOKEN, or a random one printed once at start. */
final class ApiToken {
  static final String VARIABLE = "BATON_API_TOKEN";

  private ApiToken() {
  }

  static String fromEnvironment() {
    String configured = System.getenv(VARIABLE);
    if (configured != null) {
      return configured;
    }
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
