package io.baton.protocol.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files as the JDK reads them: X.509 certificates and unencrypted PKCS#8 private keys (EC or
 * RSA). Everything Baton loads at run time goes through here, so members and clients need no
 * crypto library beyond the JDK.
 */
public final class Pem {
  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private Pem() {}

  public static List<X509Certificate> readCertificates(Path file) {
    byte[] bytes = readAll(file);
    try {
      var factory = CertificateFactory.getInstance("X.509");
      List<X509Certificate> certificates = new ArrayList<>();
      for (var certificate : factory.generateCertificates(new ByteArrayInputStream(bytes))) {
        certificates.add((X509Certificate) certificate);
      }
      if (certificates.isEmpty()) {
        throw new CredentialException(file + " holds no certificate");
      }
      return certificates;
    } catch (GeneralSecurityException e) {
      throw new CredentialException(file + " is not a PEM certificate file: " + e.getMessage(), e);
    }
  }

  public static PrivateKey readPrivateKey(Path file) {
    String text = new String(readAll(file), StandardCharsets.US_ASCII);
    Matcher matcher = PRIVATE_KEY.matcher(text);
    if (!matcher.find()) {
      throw new CredentialException(file + " holds no unencrypted PKCS#8 private key");
    }
    byte[] der = Base64.getMimeDecoder().decode(matcher.group(1));
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException tryNext) {
        // the PKCS#8 header names the algorithm, but the JDK only reads it through a KeyFactory
      }
    }
    throw new CredentialException(file + " holds a private key of an unsupported algorithm");
  }

  public static String encode(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CredentialException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
