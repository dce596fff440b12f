package io.baton.protocol.security;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Properties;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One client's shared secrets. Members derive them from the mesh secret and the client id
 * (HMAC-SHA256 with a label per purpose), so any site can authenticate any client without a
 * table to replicate, and a client that learns its own secrets learns nothing about another's.
 *
 * @param psk the DTLS pre-shared key (identity: the client id)
 * @param serviceToken presented with each service call
 * @param mqttPassword the MQTT password (user name: the client id)
 * @param redirectKey authenticates redirects: the mesh MACs each assignment it sends this client
 */
public record ClientSecrets(byte[] psk, String serviceToken, String mqttPassword, byte[] redirectKey) {

  public static ClientSecrets derive(byte[] meshSecret, String clientId) {
    return new ClientSecrets(
        hmac(meshSecret, "dtls-psk:" + clientId),
        base64(hmac(meshSecret, "service-token:" + clientId)),
        base64(hmac(meshSecret, "mqtt-password:" + clientId)),
        hmac(meshSecret, "redirect-key:" + clientId));
  }

  /**
   * A gateway's secrets: a client's, except that its MQTT password is for the login
   * {@link #gatewayUser(String) gateway/ID}, which may publish batches naming other clients; a
   * plain client's password does not open it.
   */
  public static ClientSecrets deriveGateway(byte[] meshSecret, String gatewayId) {
    ClientSecrets client = derive(meshSecret, gatewayId);
    return new ClientSecrets(client.psk(), client.serviceToken(), gatewayMqttPassword(meshSecret, gatewayId),
        client.redirectKey());
  }

  public static String gatewayMqttPassword(byte[] meshSecret, String gatewayId) {
    return base64(hmac(meshSecret, "gateway-mqtt-password:" + gatewayId));
  }

  /** A gateway's MQTT user name: '/' is not allowed in a client id, so no client can claim it. */
  public static String gatewayUser(String gatewayId) {
    return GATEWAY_USER_PREFIX + gatewayId;
  }

  public static final String GATEWAY_USER_PREFIX = "gateway/";

  /** The file form a client device is given (`clients/ID.secrets`). */
  public String toProperties() {
    HexFormat hex = HexFormat.of();
    return "psk=" + hex.formatHex(psk) + "\n"
        + "service-token=" + serviceToken + "\n"
        + "mqtt-password=" + mqttPassword + "\n"
        + "redirect-key=" + hex.formatHex(redirectKey) + "\n";
  }

  public static ClientSecrets fromProperties(String text) {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(text));
      HexFormat hex = HexFormat.of();
      return new ClientSecrets(
          hex.parseHex(required(properties, "psk")),
          required(properties, "service-token"),
          required(properties, "mqtt-password"),
          hex.parseHex(required(properties, "redirect-key")));
    } catch (IOException | IllegalArgumentException e) {
      throw new CredentialException("malformed client secrets: " + e.getMessage(), e);
    }
  }

  /** Compares in constant time, so a wrong guess says nothing about how wrong it was. */
  public static boolean sameSecret(String expected, String presented) {
    return presented != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] hmac(byte[] key, String message) {
    return hmac(key, message.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks HmacSHA256", e);
    }
  }

  private static String base64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String required(Properties properties, String key) {
    String value = properties.getProperty(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing " + key);
    }
    return value.trim();
  }
}
