package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.agent.AgentConfig;
import io.baton.agent.MqttSettings;
import io.baton.deploy.mesh.MosquittoBroker;
import io.baton.broker.BrokerConfig;
import io.baton.client.BatonClient;
import io.baton.client.BatonGateway;
import io.baton.client.CallResult;
import io.baton.client.HandoffListener;
import io.baton.client.mqtt.MqttVersion;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.deploy.demo.Drive;
import io.baton.deploy.demo.DriveReport;
import io.baton.deploy.demo.RadioModel;
import io.baton.deploy.demo.Road;
import io.baton.protocol.Addresses;
import io.baton.protocol.event.HandoffCompleted;
import io.baton.protocol.event.TelemetryReported;
import io.baton.protocol.security.ClientSecrets;
import io.baton.protocol.wire.TelemetryReport;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MQTT against a real Mosquitto (Debian's), which the three agents share: mosquitto_pub and
 * mosquitto_sub attach, report, call, and follow the redirect their own reports cause (live, and
 * retained for a late subscriber); bad telemetry lands on the client's error topic and nowhere else; the SDK over MQTT 5
 * crosses three sites at 50 calls a second; and a broker outage with a handoff in the middle of it
 * costs the client latency, not a call.
 */
class MqttInteropTest {
  private static final String GOOD = "{\"clientId\":\"bus-1\",\"timestamp\":1700000000000,\"position\":{\"x\":10,\"y\":20},"
      + "\"speed\":8,\"heading\":90,\"rssi\":{\"site-a\":-70.5,\"site-b\":-90}}";
  /** The logins in the broker's password file. */
  private static final List<String> CLIENTS = List.of("bus-1", "bus-404", "tram-7", "coach-5", "ferry-3", "spy-9", "bike-2");
  private static final List<String> GATEWAYS = List.of("depot-gw");
  private static MosquittoBroker mosquitto;
  private static LocalMesh mesh;
  private static List<TelemetryReported> published;
  private static List<HandoffCompleted> completed;
  private static String pub;
  private static String sub;

  @BeforeAll
  static void startMesh() throws Exception {
    pub = Cli.tool("mosquitto_pub");
    sub = Cli.tool("mosquitto_sub");
    MeshLayout layout = MeshFixture.layout(62);
    mosquitto = new MosquittoBroker("127.0.62.1", 18832, layout.credentials().orElseThrow(),
        layout.agents().stream().map(AgentConfig::siteId).toList(), CLIENTS, GATEWAYS);
    mesh = LocalMesh.start(layout.withMqtt(MqttSettings.external(mosquitto.uri())), BrokerConfig.defaults());
    published = MeshFixture.collect(mesh.brokerVertx(), Addresses.TELEMETRY_REPORTED);
    completed = MeshFixture.collect(mesh.brokerVertx(), Addresses.HANDOFF_COMPLETED);
    publish("baton/site/site-a/bus-1/attach", "{\"clientId\":\"bus-1\",\"service\":\"counter\"}");
  }

  @AfterAll
  static void stop() throws Exception {
    if (mesh != null) {
      mesh.close();
    }
    if (mosquitto != null) {
      mosquitto.close();
    }
  }

  @BeforeEach
  void forgetEarlierEvents() throws InterruptedException {
    Thread.sleep(100);
    published.clear();
  }

  @Test
  void mosquittoClientsAttachReportCallAndFollowTheRedirect() throws Exception {
    try (Cli.Running inbox = subscribe("baton/client/tram-7/+")) {
      publish("baton/site/site-a/tram-7/attach", "{\"clientId\":\"tram-7\",\"service\":\"counter\"}");
      String assignment = inbox.await(line -> line.startsWith("baton/client/tram-7/redirect "), "the assignment");
      assertTrue(assignment.contains("\"site\":\"site-a\"") && assignment.contains("\"epoch\":1"), assignment);
      assertTrue(assignment.contains("\"mqttEndpoint\":\"" + mosquitto.uri() + "\""), assignment);

      publish("baton/site/site-a/tram-7/telemetry", GOOD.replace("bus-1", "tram-7"));
      assertEquals("tram-7", MeshFixture.awaitPublished(published, 1).get(0).clientId());

      publish("baton/site/site-a/tram-7/call", "{\"requestId\":\"tram-7:cli-1\",\"op\":\"increment\",\"token\":\""
          + MeshFixture.client(mesh, "tram-7").secrets().serviceToken() + "\"}");
      String result = inbox.await(line -> line.startsWith("baton/client/tram-7/result "), "the call's result");
      assertEquals(1, body(result).getJsonObject("result").getLong("value"), result);

      // The tram comes close to site-b and keeps reporting, as a real client does, until it is
      // redirected: the A3 trigger fires after its time-to-trigger (and again if a handoff aborted).
      // Timestamps from now: the broker forgets clients whose latest report is over two minutes old.
      long now = System.currentTimeMillis();
      String redirect = null;
      for (int i = 0; redirect == null && i < 150; i++) {
        publish("baton/site/site-a/tram-7/telemetry", GOOD.replace("bus-1", "tram-7")
            .replace("1700000000000", Long.toString(now + i * 100))
            .replace("\"site-a\":-70.5,\"site-b\":-90", "\"site-a\":-95,\"site-b\":-60"));
        redirect = inbox.poll(line -> line.contains("/redirect ") && line.contains("\"epoch\":2"), 100).orElse(null);
      }
      assertTrue(redirect != null, "no redirect to epoch 2 after 15 s of reports closer to site-b");
      assertEquals("site-b", body(redirect).getString("site"));
      assertEquals(mesh.site("site-b").orElseThrow().config().coapEndpoint(), body(redirect).getString("coapEndpoint"));
    }
    // A client that (re)connects later learns where to go from the retained redirect.
    String retained = Cli.run(command(sub, "tram-7", password("tram-7"), "-C", "1", "-W", "5", "-t", "baton/client/tram-7/redirect"));
    assertEquals("site-b", new JsonObject(retained.trim()).getString("site"), retained);
    assertEquals(2, new JsonObject(retained.trim()).getLong("epoch"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "malformed JSON       | bus-1     | '{\"clientId\":\"bus-1\",\"rssi\":'   | 4.00 | malformed JSON",
      "NaN RSSI             | bus-1     | GOOD:-70.5>\"NaN\"                      | 4.00 | not a finite number",
      "RSSI above 0 dBm     | bus-1     | GOOD:-70.5>15                           | 4.00 | out of range",
      "RSSI below -150 dBm  | bus-1     | GOOD:-70.5>-300                         | 4.00 | out of range",
      "missing position     | bus-1     | GOOD:\"position\":{\"x\":10,\"y\":20},> | 4.00 | missing field 'position'",
      "unknown client       | bus-404   | GOOD:bus-1>bus-404                      | 4.04 | unknown client 'bus-404'",
      "unknown site         | bus-1     | GOOD:site-b>site-z                      | 4.04 | unknown site 'site-z'",
  })
  void badTelemetryGoesToTheErrorTopicAndIsNotPublished(String name, String client, String payload, String code, String reason)
      throws Exception {
    try (Cli.Running errors = subscribe("baton/client/" + client + "/error")) {
      Thread.sleep(200); // let the subscription settle before the bad message
      publish("baton/site/site-a/" + client + "/telemetry", MeshFixture.expand(GOOD, payload));
      JsonObject error = body(errors.await(line -> line.contains("\"code\""), "an error"));
      assertEquals(code, error.getString("code"), error.encode());
      assertTrue(error.getString("reason").contains(reason), error.encode());
      assertEquals("baton/site/site-a/" + client + "/telemetry", error.getString("topic"));
    }
    publish("baton/site/site-a/bus-1/telemetry", GOOD);
    assertEquals(1, MeshFixture.awaitPublished(published, 1).size(), name + " was published");
  }

  @Test
  void aGatewayReportsABatchOverMqtt() throws Exception {
    try (BatonGateway gateway = BatonGateway.builder().gatewayId("depot-gw").credentials(MeshFixture.gateway(mesh, "depot-gw")).mqtt("site-a", mosquitto.uri(), MqttVersion.V5).build()) {
      for (int i = 0; i < 3; i++) {
        gateway.submit(new TelemetryReport("bus-1", 1_700_000_000_000L + i, i, 0, 5, 90, Map.of("site-a", -60.0 - i)));
      }
      MeshFixture.await(gateway.flush());
    }
    assertEquals(List.of(-60.0, -61.0, -62.0), MeshFixture.awaitPublished(published, 3).stream().map(e -> e.rssiDbm().get("site-a")).sorted((a, b) -> Double.compare(b, a)).toList());
  }

  @Test
  void aClientReportsOnlyAboutItselfOnlyAGatewayForOthers() throws Exception {
    String aboutTram = GOOD.replace("bus-1", "tram-7");
    try (Cli.Running errors = subscribe("baton/client/bus-1/error")) {
      // On its own telemetry topic bus-1 reports about tram-7 too: refused as CoAP would (4.03), all of it.
      publish("baton/site/site-a/bus-1/telemetry", "[" + GOOD + "," + aboutTram + "]");
      JsonObject error = body(errors.await(line -> line.contains("\"code\""), "a refusal"));
      assertEquals("4.03", error.getString("code"), error.encode());
      assertTrue(error.getString("reason").contains("tram-7"), error.encode());
      // The batch topic is a gateway's: the broker's ACL drops bus-1's message there.
      publish("baton/site/site-a/bus-1/batch", "[" + GOOD + "," + aboutTram + "]");
      Thread.sleep(500);
      assertEquals(List.of(), List.copyOf(published), "a client's report about another was published");
    }
    // A gateway's login (gateway/depot-gw) may publish that batch.
    String output = Cli.run(command(pub, ClientSecrets.gatewayUser("depot-gw"), MeshFixture.gateway(mesh, "depot-gw").secrets().mqttPassword(),
        "-q", "1", "-t", "baton/site/site-a/depot-gw/batch", "-m", "[" + GOOD + "," + aboutTram + "]"));
    assertEquals("", output.trim(), output);
    assertEquals(List.of("bus-1", "tram-7"), MeshFixture.awaitPublished(published, 2).stream().map(TelemetryReported::clientId).sorted().toList());
  }

  @Test
  void anMqtt5ClientCrossesThreeSitesWithNothingLostOrTwice() throws Exception {
    Road road = new Road(List.of("site-a", "site-b", "site-c"), 200, 20);
    try (BatonClient client = BatonClient.builder().clientId("coach-5").credentials(MeshFixture.client(mesh, "coach-5")).service("counter")
        .mqtt("site-a", mosquitto.uri(), MqttVersion.V5).build()) {
      List<HandoffListener.End> ends = Collections.synchronizedList(new ArrayList<>());
      client.onHandoff(new HandoffListener() {
        @Override
        public void onHandoffEnd(End end) {
          ends.add(end);
        }
      });
      client.attachBlocking();
      DriveReport drive = MeshFixture.await(new Drive(client, road, RadioModel.smallCell(0, 5), 40, 10, 50,
          seq -> new JsonObject().put("op", "increment")).start());
      assertEquals(List.of("site-a->site-b", "site-b->site-c"), MeshFixture.route(completed, "coach-5"));
      assertEquals(List.of(), drive.failures());
      assertEquals(0, drive.lost());
      assertEquals(LongStream.rangeClosed(1, drive.sent()).boxed().toList(),
          drive.answered().stream().map(r -> r.result().getLong("value")).sorted().toList(), "each call executed once");
      for (int i = 0; i < 100 && ends.size() < 2; i++) {
        Thread.sleep(50);
      }
      assertEquals(List.of("site-a->site-b", "site-b->site-c"), ends.stream().map(e -> e.fromSite() + "->" + e.toSite()).toList());
      ends.forEach(e -> System.out.printf("coach-5 (MQTT 5): handoff %s -> %s, perceived interruption %.1f ms%n",
          e.fromSite(), e.toSite(), e.interruption().toNanos() / 1e6));
    }
  }

  @Test
  void aBrokerOutageWithAHandoffInItCostsLatencyNotCalls() throws Exception {
    try (BatonClient client = BatonClient.builder().clientId("ferry-3").credentials(MeshFixture.client(mesh, "ferry-3")).service("counter").mqtt("site-a", mosquitto.uri()).build()) {
      client.attachBlocking();
      List<CompletableFuture<CallResult>> calls = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        calls.add(client.call(new JsonObject().put("op", "increment")));
        if (i == 40) {
          mosquitto.stop();
          // While the client is cut off, its service moves: the redirect cannot reach it.
          MeshFixture.await(mesh.broker().handOff("ferry-3", "site-c", "test"));
        }
        if (i == 80) {
          mosquitto.start();
        }
        Thread.sleep(20);
      }
      List<Long> values = new ArrayList<>();
      for (CompletableFuture<CallResult> call : calls) {
        values.add(MeshFixture.await(call).result().getLong("value"));
      }
      values.sort(Long::compare);
      assertEquals(LongStream.rangeClosed(1, 150).boxed().toList(), values, "every call answered exactly once");
      CallResult after = client.callBlocking(new JsonObject().put("op", "get"));
      assertEquals(150, after.result().getLong("value"));
      assertEquals("site-c", after.site());
      assertEquals("site-c", client.assignment().site(), "the client reattached and learned where its service went");
    }
  }

  @Test
  void anotherClientsLoginReadsNoRedirectAndAWrongPasswordIsRefused() throws Exception {
    publish("baton/site/site-a/bike-2/attach", "{\"clientId\":\"bike-2\",\"service\":\"counter\"}");
    // spy-9 logs in with its own good password and asks for bike-2's topics: the ACL delivers nothing,
    // neither the retained redirect nor a live one.
    try (Cli.Running spy = subscribe("spy-9", password("spy-9"), "baton/client/bike-2/+");
        Cli.Running owner = subscribe("baton/client/bike-2/+")) {
      assertTrue(owner.await(line -> line.startsWith("baton/client/bike-2/redirect "), "the retained redirect").contains("\"epoch\":1"));
      publish("baton/site/site-a/bike-2/attach", "{\"clientId\":\"bike-2\",\"service\":\"counter\"}");
      owner.await(line -> line.startsWith("baton/client/bike-2/redirect "), "the live redirect");
      assertEquals(java.util.Optional.empty(), spy.poll(line -> line.contains("baton/client/bike-2"), 1_000), "the ACL let spy-9 read bike-2's redirect");
    }
    // Nor may spy-9 publish as bike-2: its attach never reaches the agent, so no redirect answers it.
    try (Cli.Running owner = subscribe("baton/client/bike-2/+")) {
      owner.await(line -> line.startsWith("baton/client/bike-2/redirect "), "the retained redirect");
      String refused = Cli.run(command(pub, "spy-9", password("spy-9"), "-q", "1", "-t", "baton/site/site-a/bike-2/attach",
          "-m", "{\"clientId\":\"bike-2\",\"service\":\"counter\"}"));
      assertEquals(java.util.Optional.empty(), owner.poll(line -> line.contains("/redirect "), 1_000), "spy-9 attached as bike-2: " + refused);
    }
    String wrong = Cli.run(command(sub, "bike-2", password("spy-9"), "-C", "1", "-W", "5", "-t", "baton/client/bike-2/redirect"));
    assertTrue(wrong.contains("not authorised") || wrong.contains("Connection Refused"), wrong);
    String unknown = Cli.run(command(sub, "nobody-1", password("spy-9"), "-C", "1", "-W", "5", "-t", "baton/client/nobody-1/redirect"));
    assertTrue(unknown.contains("not authorised") || unknown.contains("Connection Refused"), unknown);
  }

  @Test
  void aSecuredSiteRefusesToSendItsLoginToAPlainTcpBroker() throws Exception {
    MeshLayout plainBroker = MeshFixture.layout(96).withMqtt(MqttSettings.external("tcp://127.0.96.1:18833"));
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> LocalMesh.start(plainBroker, BrokerConfig.defaults()));
    assertTrue(refused.getMessage().contains("needs TLS") && refused.getMessage().contains("ssl://"), refused.getMessage());
  }

  /** Subscribes as the client whose topic it is ({@code baton/client/{id}/...}). */
  private static Cli.Running subscribe(String topic) throws Exception {
    String login = topic.split("/")[2];
    return subscribe(login, password(login), topic);
  }

  private static Cli.Running subscribe(String login, String password, String topic) throws Exception {
    Cli.Running running = new Cli.Running(command(sub, login, password, "-q", "1", "-v", "-t", topic));
    Thread.sleep(300);
    return running;
  }

  /** Publishes as the client whose topic it is ({@code baton/site/{site}/{id}/...}). */
  private static void publish(String topic, String payload) throws Exception {
    String login = topic.split("/")[3];
    String output = Cli.run(command(pub, login, password(login), "-q", "1", "-t", topic, "-m", payload));
    assertEquals("", output.trim(), output);
  }

  /** A mosquitto-clients command line over TLS (verifying the broker against the cluster CA) with a login. */
  private static String[] command(String tool, String login, String password, String... rest) {
    List<String> command = new ArrayList<>(List.of(tool, "-h", mosquitto.host(), "-p", Integer.toString(mosquitto.port()),
        "--cafile", mosquitto.clusterCa().toString(), "-u", login, "-P", password));
    command.addAll(List.of(rest));
    return command.toArray(String[]::new);
  }

  private static String password(String clientId) {
    return MeshFixture.client(mesh, clientId).secrets().mqttPassword();
  }

  private static JsonObject body(String line) {
    return new JsonObject(line.substring(line.indexOf(' ') + 1));
  }
}
