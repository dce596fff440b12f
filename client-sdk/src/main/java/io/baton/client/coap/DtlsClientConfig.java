package io.baton.client.coap;

import io.baton.protocol.security.ClientCredentials;
import java.security.cert.Certificate;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/**
 * A client's DTLS 1.2 settings (Scandium) from its credentials, for the SDK and for apps that
 * speak CoAP to an agent themselves. With a certificate, the client presents it and verifies the
 * agent's member certificate against the cluster CA (and the agent's address against the
 * certificate's names); without one, it uses its pre-shared key (identity: the client id), which
 * proves both sides to each other, since only the mesh's members can derive it.
 */
public final class DtlsClientConfig {
  static {
    DtlsConfig.register();
  }

  private DtlsClientConfig() {
  }

  public static DtlsConnectorConfig of(Configuration config, ClientCredentials own) {
    config.set(DtlsConfig.DTLS_ROLE, DtlsRole.CLIENT_ONLY);
    DtlsConnectorConfig.Builder dtls = DtlsConnectorConfig.builder(config).setLoggingTag(own.clientId());
    if (own.chain().isPresent()) {
      dtls.setCertificateIdentityProvider(new SingleCertificateProvider(own.key().orElseThrow(),
              own.chain().get().toArray(Certificate[]::new), CertificateType.X_509))
          .setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
              .setTrustedCertificates(own.clusterAnchors().toArray(Certificate[]::new)).build());
    } else {
      dtls.setAdvancedPskStore(new AdvancedSinglePskStore(own.clientId(), own.secrets().psk()));
    }
    return dtls.build();
  }
}
