package io.baton.agent.coap;

import java.security.Principal;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.X509CertPath;

/**
 * The client a DTLS session authenticated: the PSK identity, or the CN of a certificate the client
 * CA signed. A certificate whose OU is {@code gateway} marks a gateway, which may attach and report
 * for the devices behind it.
 */
record ClientPeer(String clientId, boolean gateway) {
  static final String GATEWAY_UNIT = "gateway";

  static Optional<ClientPeer> of(Request request) {
    EndpointContext source = request.getSourceContext();
    Principal principal = source == null ? null : source.getPeerIdentity();
    if (principal instanceof PreSharedKeyIdentity psk) {
      return Optional.of(new ClientPeer(psk.getIdentity(), false));
    }
    if (principal instanceof X509CertPath path) {
      return ofCertificate(path.getTarget());
    }
    return Optional.empty();
  }

  /**
   * Peers by certificate: parsing the subject's name is a good part of a small request's cost on
   * the server's thread, and a session presents the same certificate on every request. Bounded by
   * clearing, since a certificate handshake is needed to add one.
   */
  private static final Map<X509Certificate, Optional<ClientPeer>> BY_CERTIFICATE = new ConcurrentHashMap<>();
  private static final int MAX_CACHED = 4_096;

  private static Optional<ClientPeer> ofCertificate(X509Certificate certificate) {
    Optional<ClientPeer> known = BY_CERTIFICATE.get(certificate);
    if (known != null) {
      return known;
    }
    if (BY_CERTIFICATE.size() >= MAX_CACHED) {
      BY_CERTIFICATE.clear();
    }
    Optional<ClientPeer> peer = parse(certificate);
    BY_CERTIFICATE.put(certificate, peer);
    return peer;
  }

  private static Optional<ClientPeer> parse(X509Certificate certificate) {
    String commonName = null;
    boolean gateway = false;
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          commonName = rdn.getValue().toString();
        } else if (rdn.getType().equalsIgnoreCase("OU") && GATEWAY_UNIT.equals(rdn.getValue().toString())) {
          gateway = true;
        }
      }
    } catch (InvalidNameException unreadable) {
      return Optional.empty();
    }
    return commonName == null ? Optional.empty() : Optional.of(new ClientPeer(commonName, gateway));
  }
}
