package io.baton.agent.runtime.runc;

import io.baton.agent.runtime.container.HostCommand;
import io.baton.protocol.security.MemberCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * The member's credentials as CRIU's page traffic uses them (CRIU's {@code --tls}, GnuTLS): the
 * source's page server and the target's lazy-pages daemon each present the member certificate the
 * mesh's CA issued and accept only a peer with one, so pages cross authenticated and encrypted,
 * like every other byte of a handoff. runc takes CRIU options only from a configuration file named
 * in the container's {@code org.criu.config} annotation ({@link #criuConfig}); the daemons Baton
 * starts itself take {@link #flags}.
 *
 * <p>GnuTLS refuses an EC key without its public part ("ASN1 parser: Element was not found"), and
 * Java writes PKCS#8 keys without it, so an EC key is rewritten once as SEC1 by {@code openssl ec},
 * which derives the public point.
 */
record PageTls(Path clusterCa, Path certificate, Path key, Path criuConfig) {

  /** Writes the key CRIU can read and the configuration file into {@code dir} (owner-only). */
  static PageTls prepare(MemberCredentials member, Path dir, Duration deadline) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      Path key = dir.resolve("member.key.pem");
      Files.deleteIfExists(key);
      if (member.key().getAlgorithm().equals("EC")) {
        HostCommand.run(List.of("openssl", "ec", "-in", member.keyPem().toString(), "-out", key.toString()), deadline);
      } else {
        Files.copy(member.keyPem(), key);
      }
      // Copies, so that the certificate always matches the key beside it, even when the member's
      // files are issued anew while the site runs.
      Path certificate = dir.resolve("member.crt.pem");
      Path clusterCa = dir.resolve("cluster-ca.crt.pem");
      Files.copy(member.certificatePem(), certificate, StandardCopyOption.REPLACE_EXISTING);
      Files.copy(member.clusterCaPem(), clusterCa, StandardCopyOption.REPLACE_EXISTING);
      PageTls tls = new PageTls(clusterCa, certificate, key, dir.resolve("criu.conf"));
      Files.writeString(tls.criuConfig(), String.join("\n", "tls", "tls-cacert " + tls.clusterCa(),
          "tls-cert " + tls.certificate(), "tls-key " + tls.key(), ""));
      return tls;
    } catch (IOException e) {
      throw new UncheckedIOException("preparing CRIU's TLS material in " + dir, e);
    }
  }

  /** The same as command-line options, for the CRIU daemons Baton runs itself. */
  List<String> flags() {
    return List.of("--tls", "--tls-cacert", clusterCa.toString(), "--tls-cert", certificate.toString(), "--tls-key",
        key.toString());
  }
}
