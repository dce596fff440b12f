package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.broker.BrokerConfig;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.protocol.Addresses;
import io.baton.protocol.event.TelemetryReported;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * libcoap's {@code coap-client}, a CoAP implementation nobody here wrote, against real agents: it
 * attaches a client, posts its telemetry (confirmable and not), is refused bad input with a reason,
 * calls the service, and observes the client's handoff resource, receiving the redirect when its
 * own reports make the broker hand the client off.
 */
class CoapInteropTest {
  private static final String GOOD = "{\"clientId\":\"bike-1\",\"timestamp\":1700000000000,\"position\":{\"x\":10,\"y\":20},"
      + "\"speed\":4.5,\"heading\":90,\"rssi\":{\"site-a\":-70.5,\"site-b\":-90}}";
  private static LocalMesh mesh;
  private static List<TelemetryReported> published;
  private static String coapClient;
  /** libcoap's PKI options: bike-1's certificate and key, and the cluster CA to verify the agent by. */
  private static String[] pki;
  private static String token;

  @BeforeAll
  static void startMesh() throws Exception {
    // A DTLS build of libcoap: the mesh serves coaps:// only.
    coapClient = Cli.tool("coap-client-openssl", "coap-client-gnutls", "coap-client");
    mesh = MeshFixture.start(61, BrokerConfig.defaults());
    var bike = MeshFixture.client(mesh, "bike-1");
    pki = new String[] {"-c", bike.certificatePem().orElseThrow().toString(), "-j", bike.keyPem().orElseThrow().toString(),
        "-C", bike.clusterCaPem().toString()};
    token = bike.secrets().serviceToken();
    published = MeshFixture.collect(mesh.brokerVertx(), Addresses.TELEMETRY_REPORTED);
  }

  @AfterAll
  static void stopMesh() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void coapClientReportsCallsAndObservesTheRedirect() throws Exception {
    String attached = coap("-m", "post", "-t", "json", "-e", "{\"clientId\":\"bike-1\",\"service\":\"counter\"}", siteA("attach"));
    assertTrue(attached.contains("\"site\":\"site-a\"") && attached.contains("\"epoch\":1"), attached);

    String reported = coap("-m", "post", "-t", "json", "-e", GOOD, siteA("telemetry"));
    assertTrue(reported.contains("\"servingSite\":\"site-a\""), reported);
    coap("-N", "-m", "post", "-t", "json", "-e", GOOD.replace("-70.5", "-66"), siteA("telemetry"));
    MeshFixture.awaitPublished(published, 2);
    assertEquals(List.of(-70.5, -66.0), published.stream().map(e -> e.rssiDbm().get("site-a")).toList(),
        "the confirmable and the non-confirmable report");

    String refused = coap("-m", "post", "-t", "json", "-e", GOOD.replace("-70.5", "15"), siteA("telemetry"));
    assertTrue(refused.contains("4.00") && refused.contains("'rssi.site-a' = 15.0 dBm is out of range"), refused);
    String other = coap("-m", "post", "-t", "json", "-e", GOOD.replace("bike-1", "bike-404"), siteA("telemetry"));
    assertTrue(other.contains("4.03") && other.contains("bike-1 may not act as client 'bike-404'"), other);
    String noToken = coap("-m", "post", "-t", "json", "-e", "{\"requestId\":\"bike-1:cli-0\",\"op\":\"increment\"}", siteA("service/bike-1"));
    assertTrue(noToken.contains("4.01"), noToken);

    String answer = coap("-m", "post", "-t", "json", "-e", "{\"requestId\":\"bike-1:cli-1\",\"op\":\"increment\",\"token\":\"" + token + "\"}", siteA("service/bike-1"));
    assertEquals(1, new JsonObject(jsonLine(answer)).getJsonObject("result").getLong("value"), answer);

    try (Cli.Running observer = new Cli.Running(withPki(coapClient, "-s", "30", "-w", siteA("handoff/bike-1")))) {
      String now = observer.await(line -> line.contains("\"epoch\":1"), "the current assignment");
      assertTrue(now.contains("\"site\":\"site-a\""), now);
      // The rider comes close to site-b: reports (half a second of them) that make the A3 trigger fire.
      // Timestamps from now: the broker forgets clients whose latest report is over two minutes old.
      long reportTime = System.currentTimeMillis();
      for (int i = 0; i < 8; i++) {
        coap("-m", "post", "-t", "json", "-e", GOOD.replace("1700000000000", Long.toString(reportTime + i * 100))
            .replace("\"site-a\":-70.5,\"site-b\":-90", "\"site-a\":-95,\"site-b\":-60"), siteA("telemetry"));
      }
      JsonObject redirect = new JsonObject(observer.await(line -> line.contains("\"epoch\":2"), "the redirect"));
      assertEquals("site-b", redirect.getString("site"));
      assertEquals(mesh.site("site-b").orElseThrow().config().coapEndpoint(), redirect.getString("coapEndpoint"));
    }
    // Where the redirect pointed, the service answers with its state: the same request id is not run twice.
    String replay = coap("-m", "post", "-t", "json", "-e", "{\"requestId\":\"bike-1:cli-1\",\"op\":\"increment\",\"token\":\"" + token + "\"}", site("site-b", "service/bike-1"));
    assertEquals(1, new JsonObject(jsonLine(replay)).getJsonObject("result").getLong("value"), replay);
    String next = coap("-m", "post", "-t", "json", "-e", "{\"requestId\":\"bike-1:cli-2\",\"op\":\"increment\",\"token\":\"" + token + "\"}", site("site-b", "service/bike-1"));
    assertEquals(2, new JsonObject(jsonLine(next)).getJsonObject("result").getLong("value"), next);
  }

  private static String coap(String... args) throws Exception {
    String[] timed = new String[args.length + 2];
    timed[0] = "-B";
    timed[1] = "5";
    System.arraycopy(args, 0, timed, 2, args.length);
    return Cli.run(withPki(coapClient, timed));
  }

  private static String[] withPki(String tool, String... args) {
    String[] command = new String[1 + pki.length + args.length];
    command[0] = tool;
    System.arraycopy(pki, 0, command, 1, pki.length);
    System.arraycopy(args, 0, command, 1 + pki.length, args.length);
    return command;
  }

  private static String jsonLine(String output) {
    return output.lines().filter(line -> line.startsWith("{")).findFirst().orElseThrow(() -> new AssertionError(output));
  }

  private static String siteA(String path) {
    return site("site-a", path);
  }

  private static String site(String site, String path) {
    return mesh.site(site).orElseThrow().config().coapEndpoint() + "/" + path;
  }
}
