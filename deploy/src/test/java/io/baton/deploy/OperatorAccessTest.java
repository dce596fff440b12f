package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.deploy.mesh.BatonProcess;
import io.baton.deploy.mesh.MeshCredentials;
import io.baton.protocol.security.MemberCredentials;
import io.baton.protocol.security.TlsContexts;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton broker} as an operator meets it: it refuses to start without credentials; with
 * them, its control API speaks only TLS with the member certificate, and the API and the event
 * stream answer only the operator token from the credentials. A broker process on 127.0.82.1.
 */
class OperatorAccessTest {
  private static final String HOST = "127.0.82.1";
  private static final int API_PORT = 8482;

  @TempDir
  static Path dir;

  private static BatonProcess broker;
  private static HttpClient https;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    MeshCredentials credentials = MeshCredentials.in(dir);
    MemberCredentials member = credentials.member("broker", HOST);
    token = credentials.operatorToken();
    broker = BatonProcess.start("broker up on " + HOST, "broker", "--host", HOST, "--members", HOST + ":5701",
        "--credentials", dir.toString(), "--api-port", String.valueOf(API_PORT));
    SSLContext trustingTheCluster = SSLContext.getInstance("TLS");
    trustingTheCluster.init(null, TlsContexts.trustManagers(member.clusterAnchors()).getTrustManagers(), null);
    https = HttpClient.newBuilder().sslContext(trustingTheCluster).connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aBrokerWithoutCredentialsRefusesToStartWithOneLine() throws Exception {
    Process process = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-cp", System.getProperty("java.class.path"), "io.baton.deploy.cli.BatonCli",
        "broker", "--host", "127.0.82.2", "--members", "127.0.82.2:5701").redirectErrorStream(true).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS));
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(2, process.exitValue(), output);
    assertEquals(1, output.lines().count(), output);
    assertTrue(output.startsWith("baton: missing --credentials DIR"), output);
  }

  @Test
  void theApiAndTheEventStreamAnswerOnlyTheOperatorToken() throws Exception {
    String base = "https://" + HOST + ":" + API_PORT;
    for (String path : List.of("/api/v1/nodes", "/api/v1/events")) {
      assertEquals(401, get(base + path, null).statusCode(), path + " without a token");
      assertEquals(401, get(base + path, "Bearer not-the-operator-token").statusCode(), path + " with a wrong token");
    }
    assertEquals(401, get(base + "/api/v1/events?access_token=not-the-operator-token", null).statusCode());
    assertEquals(200, get(base + "/api/v1/nodes", "Bearer " + token).statusCode());
  }

  @Test
  void theApiDoesNotSpeakPlainHttp() {
    assertThrows(java.io.IOException.class,
        () -> HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
            URI.create("http://" + HOST + ":" + API_PORT + "/api/v1/nodes")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString()));
  }

  private static HttpResponse<String> get(String url, String authorization) throws Exception {
    var request = java.net.http.HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
