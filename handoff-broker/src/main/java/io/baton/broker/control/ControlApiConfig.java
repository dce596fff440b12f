package io.baton.broker.control;

import io.baton.protocol.security.MemberCredentials;
import java.util.Optional;

/**
 * Where the control API and dashboard listen, the operator's bearer token, the CPU percent above
 * which a node counts as overloaded (seed 001: 50), and the placement policy that moves services
 * off an overloaded node ({@code off}: none moves), and the member credentials whose certificate
 * the API serves TLS with (empty: plain HTTP, for tests of the API alone).
 */
public record ControlApiConfig(String host, int port, String token, double overloadPercent, String placement,
    Optional<MemberCredentials> tls) {

  public ControlApiConfig(String host, int port, String token, double overloadPercent) {
    this(host, port, token, overloadPercent, "off");
  }

  public ControlApiConfig(String host, int port, String token, double overloadPercent, String placement) {
    this(host, port, token, overloadPercent, placement, Optional.empty());
  }

  /** Served over TLS with the member's certificate. */
  public ControlApiConfig(String host, int port, String token, double overloadPercent, String placement,
      MemberCredentials credentials) {
    this(host, port, token, overloadPercent, placement, Optional.of(credentials));
  }

  public ControlApiConfig {
    if (port < 0 || port > 65535 || token == null || token.length() < 16 || !(overloadPercent > 0 && overloadPercent <= 100)) {
      throw new IllegalArgumentException("bad control API config: port " + port + ", token of "
          + (token == null ? 0 : token.length()) + " characters (16 at least), overload threshold " + overloadPercent + "%");
    }
    if (!placement.equals("off")) {
      io.baton.broker.placement.PlacementPolicy.named(placement);
    }
  }
}
