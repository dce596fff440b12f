package io.baton.deploy.cli;

import io.baton.pki.DevCertificateAuthority;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code baton credentials}: a development CA and the credentials members and clients start with. */
@Command(name = "credentials", mixinStandardHelpOptions = true,
    description = {
        "Creates (first time) a development certificate authority in DIR and issues member and client credentials.",
        "Members (agents, brokers, predictors) get a certificate from the cluster CA for mutual TLS on the event bus,",
        "the cluster and the transfer plane; clients get DTLS/MQTT secrets and, unless PSK-only, a certificate from the",
        "client CA. Re-running adds to the same authorities; DIR/private holds their keys."})
public final class CredentialsCommand implements Callable<Integer> {
  @Option(names = "--dir", defaultValue = "baton-credentials", description = "Credentials directory (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--member", split = ",", description = "Member names to issue, e.g. broker,site-a,site-b.")
  List<String> members = new ArrayList<>();

  @Option(names = "--address", split = ",",
      description = "Addresses (IP or host name) written into every member certificate issued by this run.")
  List<String> addresses = new ArrayList<>();

  @Option(names = "--client", split = ",", description = "Client ids to issue a certificate and secrets to.")
  List<String> clients = new ArrayList<>();

  @Option(names = "--psk-client", split = ",", description = "Client ids to issue secrets only (PSK devices).")
  List<String> pskClients = new ArrayList<>();

  @Override
  public Integer call() {
    DevCertificateAuthority authority = DevCertificateAuthority.open(dir);
    System.out.printf("authorities: %s, %s%n", authority.layout().clusterCa(), authority.layout().clientCa());
    for (String member : members) {
      authority.issueMember(member, addresses);
      System.out.printf("member %-16s %s%n", member, authority.layout().memberCertificate(member));
    }
    for (String client : clients) {
      authority.issueClient(client, true);
      System.out.printf("client %-16s %s%n", client, authority.layout().clientCertificate(client));
    }
    for (String client : pskClients) {
      authority.issueClient(client, false);
      System.out.printf("client %-16s %s (PSK only)%n", client, authority.layout().clientSecrets(client));
    }
    System.out.printf("operator token: %s%n", authority.layout().operatorToken());
    return 0;
  }
}
