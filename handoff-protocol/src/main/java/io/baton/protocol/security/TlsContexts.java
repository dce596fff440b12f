package io.baton.protocol.security;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** JDK TLS contexts from PEM-loaded material, for the parts that take an SSLContext. */
public final class TlsContexts {
  private static final char[] IN_MEMORY = "in-memory".toCharArray();

  private TlsContexts() {}

  /** Presents {@code chain} with {@code key} and trusts exactly {@code anchors}. */
  public static SSLContext mutual(
      PrivateKey key, List<X509Certificate> chain, List<X509Certificate> anchors) {
    try {
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(keyManagers(key, chain).getKeyManagers(), trustManagers(anchors).getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new CredentialException("cannot build a TLS context: " + e.getMessage(), e);
    }
  }

  /** Presents nothing and trusts exactly {@code anchors}: a client verifying the mesh. */
  public static SSLContext trusting(List<X509Certificate> anchors) {
    try {
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(null, trustManagers(anchors).getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new CredentialException("cannot build a TLS context: " + e.getMessage(), e);
    }
  }

  public static KeyManagerFactory keyManagers(PrivateKey key, List<X509Certificate> chain)
      throws GeneralSecurityException {
    KeyStore store = emptyStore();
    store.setKeyEntry("identity", key, IN_MEMORY, chain.toArray(Certificate[]::new));
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, IN_MEMORY);
    return factory;
  }

  public static TrustManagerFactory trustManagers(List<X509Certificate> anchors)
      throws GeneralSecurityException {
    KeyStore store = emptyStore();
    for (int i = 0; i < anchors.size(); i++) {
      store.setCertificateEntry("anchor-" + i, anchors.get(i));
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory;
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (java.io.IOException impossible) {
      throw new IllegalStateException(impossible);
    }
    return store;
  }
}
