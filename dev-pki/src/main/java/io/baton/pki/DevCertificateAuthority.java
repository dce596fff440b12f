package io.baton.pki;

import io.baton.protocol.security.ClientCredentials;
import io.baton.protocol.security.ClientSecrets;
import io.baton.protocol.security.CredentialException;
import io.baton.protocol.security.CredentialLayout;
import io.baton.protocol.security.MemberCredentials;
import io.baton.protocol.security.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A development certificate authority over a {@link CredentialLayout} directory: opening it
 * creates the two authorities, the mesh secret and the operator token the first time and reuses
 * them afterwards; members and clients are issued on demand. EC P-256 throughout (what DTLS, TLS
 * 1.3 and the JDK all support). For development and tests: a production mesh would issue from
 * its own PKI into the same layout.
 */
public final class DevCertificateAuthority {
  private static final Duration CA_VALIDITY = Duration.ofDays(5 * 365);
  private static final Duration LEAF_VALIDITY = Duration.ofDays(365);
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final CredentialLayout layout;
  private final SecureRandom random = new SecureRandom();
  private final Authority clusterCa;
  private final Authority clientCa;

  private record Authority(X509Certificate certificate, PrivateKey key) {}

  private DevCertificateAuthority(CredentialLayout layout) {
    this.layout = layout;
    this.clusterCa = openAuthority("Baton cluster CA", layout.clusterCa(), layout.clusterCaKey());
    this.clientCa = openAuthority("Baton client CA", layout.clientCa(), layout.clientCaKey());
    if (!Files.exists(layout.meshSecret())) {
      writePrivate(layout.meshSecret(), HexFormat.of().formatHex(randomBytes(32)) + "\n");
    }
    if (!Files.exists(layout.operatorToken())) {
      writePrivate(
          layout.operatorToken(),
          Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(24)) + "\n");
    }
  }

  public static DevCertificateAuthority open(Path dir) {
    return new DevCertificateAuthority(new CredentialLayout(dir));
  }

  public CredentialLayout layout() {
    return layout;
  }

  /**
   * Issues (or re-issues) a member certificate valid for {@code addresses}: IP literals become IP
   * subject names, anything else a DNS name; the member's name and localhost are always included.
   */
  public MemberCredentials issueMember(String name, List<String> addresses) {
    requireName(name);
    Set<String> names = new LinkedHashSet<>(addresses);
    names.add(name);
    names.add("localhost");
    names.add("127.0.0.1");
    KeyPair pair = newKeyPair();
    X509Certificate certificate = issue(clusterCa, "O=Baton,OU=member,CN=" + name, pair, List.copyOf(names));
    writeLeaf(layout.memberCertificate(name), layout.memberKey(name), certificate, pair.getPrivate());
    return MemberCredentials.load(layout.dir(), name);
  }

  /** Issues a client's secrets, and a certificate too unless the device is PSK-only. */
  public ClientCredentials issueClient(String clientId, boolean withCertificate) {
    return issueClient(clientId, withCertificate ? "client" : null);
  }

  /**
   * Issues a gateway: a client whose certificate says OU=gateway, which lets it attach and report
   * for the devices behind it (never call their services or read their redirects).
   */
  public ClientCredentials issueGateway(String gatewayId) {
    return issueClient(gatewayId, "gateway");
  }

  private ClientCredentials issueClient(String clientId, String unit) {
    boolean withCertificate = unit != null;
    requireName(clientId);
    byte[] meshSecret = HexFormat.of().parseHex(read(layout.meshSecret()).trim());
    ClientSecrets secrets = "gateway".equals(unit) ? ClientSecrets.deriveGateway(meshSecret, clientId)
        : ClientSecrets.derive(meshSecret, clientId);
    writePrivate(layout.clientSecrets(clientId), secrets.toProperties());
    if (withCertificate) {
      KeyPair pair = newKeyPair();
      X509Certificate certificate = issue(clientCa, "O=Baton,OU=" + unit + ",CN=" + clientId, pair, List.of());
      writeLeaf(layout.clientCertificate(clientId), layout.clientKey(clientId), certificate, pair.getPrivate());
    }
    return ClientCredentials.load(layout.dir(), clientId);
  }

  private Authority openAuthority(String commonName, Path certificateFile, Path keyFile) {
    if (Files.exists(certificateFile) && Files.exists(keyFile)) {
      return new Authority(Pem.readCertificates(certificateFile).get(0), Pem.readPrivateKey(keyFile));
    }
    KeyPair pair = newKeyPair();
    X500Name subject = new X500Name("O=Baton,CN=" + commonName);
    Instant now = Instant.now();
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject, serial(), Date.from(now.minus(Duration.ofHours(1))),
                  Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate certificate = sign(builder, pair.getPrivate());
      writePrivate(keyFile, Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()));
      writePublic(certificateFile, Pem.encode("CERTIFICATE", certificate.getEncoded()));
      return new Authority(certificate, pair.getPrivate());
    } catch (GeneralSecurityException | IOException e) {
      throw new CredentialException("cannot create " + commonName + ": " + e.getMessage(), e);
    }
  }

  private X509Certificate issue(Authority authority, String subject, KeyPair pair, List<String> subjectNames) {
    Instant now = Instant.now();
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  authority.certificate(), serial(), Date.from(now.minus(Duration.ofHours(1))),
                  Date.from(now.plus(LEAF_VALIDITY)), new X500Name(subject), pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
              .addExtension(Extension.extendedKeyUsage, false,
                  new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
              .addExtension(Extension.authorityKeyIdentifier, false,
                  extensions.createAuthorityKeyIdentifier(authority.certificate()))
              .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
      if (!subjectNames.isEmpty()) {
        List<GeneralName> generalNames = new ArrayList<>();
        for (String name : subjectNames) {
          generalNames.add(IPV4.matcher(name).matches() || name.contains(":")
              ? new GeneralName(GeneralName.iPAddress, name)
              : new GeneralName(GeneralName.dNSName, name));
        }
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(generalNames.toArray(GeneralName[]::new)));
      }
      return sign(builder, authority.key());
    } catch (GeneralSecurityException | IOException e) {
      throw new CredentialException("cannot issue " + subject + ": " + e.getMessage(), e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private void writeLeaf(Path certificateFile, Path keyFile, X509Certificate certificate, PrivateKey key) {
    try {
      writePrivate(keyFile, Pem.encode("PRIVATE KEY", key.getEncoded()));
      writePublic(certificateFile, Pem.encode("CERTIFICATE", certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new CredentialException("cannot encode " + certificateFile + ": " + e.getMessage(), e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks EC P-256", e);
    }
  }

  private BigInteger serial() {
    return new BigInteger(127, random);
  }

  private byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    return bytes;
  }

  private static void requireName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new IllegalArgumentException(
          "a member or client name is 1-64 letters, digits, '.', '_' or '-' (not starting with one of the last three): " + name);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new CredentialException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Owner-only: keys and secrets. Written to a temporary file and moved, never seen half-written. */
  private static void writePrivate(Path file, String content) {
    write(file, content, "rw-------");
  }

  private static void writePublic(Path file, String content) {
    write(file, content, "rw-r--r--");
  }

  private static void write(Path file, String content, String permissions) {
    try {
      Files.createDirectories(file.getParent());
      Path temporary = Files.createTempFile(file.getParent(), ".tmp-", "");
      Files.writeString(temporary, content);
      Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(permissions));
      Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CredentialException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
