package io.baton.agent.transfer;

import com.google.protobuf.ByteString;
import io.baton.protocol.security.MemberCredentials;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Signs a manifest (a snapshot's, or a docker transfer request's) with the sending agent's member
 * key, and checks one: the signer's certificate must be signed by the cluster CA, valid now, and
 * name the site that should be sending; the signature must cover exactly these bytes.
 */
public final class ManifestSignatures {
  private static final String ALGORITHM = "SHA256withECDSA";

  private ManifestSignatures() {
  }

  public record Signed(ByteString signature, ByteString certificate) {
  }

  public static Signed sign(MemberCredentials signer, byte[] manifest) {
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initSign(signer.key());
      signature.update(manifest);
      return new Signed(ByteString.copyFrom(signature.sign()), ByteString.copyFrom(signer.chain().get(0).getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign the manifest: " + e.getMessage(), e);
    }
  }

  /** Throws {@link SecurityException} with the reason unless the manifest is signed by {@code expectedSite}. */
  public static void verify(List<X509Certificate> clusterAnchors, String expectedSite, byte[] manifest, ByteString signatureBytes,
      ByteString certificateBytes) {
    if (signatureBytes.isEmpty() || certificateBytes.isEmpty()) {
      throw new SecurityException("the manifest is not signed");
    }
    X509Certificate signer;
    try {
      signer = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(certificateBytes.toByteArray()));
      signer.checkValidity();
    } catch (GeneralSecurityException e) {
      throw new SecurityException("the manifest's signer certificate is not valid: " + e.getMessage(), e);
    }
    if (clusterAnchors.stream().noneMatch(anchor -> signedBy(signer, anchor))) {
      throw new SecurityException("the manifest's signer certificate is not signed by the cluster CA");
    }
    String name = commonName(signer);
    if (!expectedSite.equals(name)) {
      throw new SecurityException("the manifest is signed by member '" + name + "', not by the source site '" + expectedSite + "'");
    }
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initVerify(signer.getPublicKey());
      signature.update(manifest);
      if (!signature.verify(signatureBytes.toByteArray())) {
        throw new SecurityException("the manifest's signature does not match its content");
      }
    } catch (GeneralSecurityException e) {
      throw new SecurityException("the manifest's signature cannot be checked: " + e.getMessage(), e);
    }
  }

  private static boolean signedBy(X509Certificate certificate, X509Certificate anchor) {
    try {
      certificate.verify(anchor.getPublicKey());
      return anchor.getBasicConstraints() >= 0;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String commonName(X509Certificate certificate) {
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (javax.naming.InvalidNameException e) {
      throw new SecurityException("the manifest's signer has a malformed name", e);
    }
    throw new SecurityException("the manifest's signer certificate names no member");
  }
}
