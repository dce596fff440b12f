package io.baton.agent.mqtt;

import io.baton.protocol.MqttTopics;
import io.baton.protocol.security.ClientSecrets;
import io.baton.protocol.security.MemberCredentials;
import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Who may connect to a secured site's broker and what each may touch. A client logs in with its
 * id as the user name and its derived MQTT password; it may publish only on its own inbound topics
 * ({@code baton/site/+/{id}/telemetry|attach|call}) and subscribe only to its own outbound ones
 * ({@code baton/client/{id}/...}), so no client reads another's redirects or results. Members log
 * in as {@code member/{name}} with a password derived from the mesh secret ('/' is not allowed in a
 * client id, so no client can claim a member's name) and may use every topic. A gateway logs in as
 * {@code gateway/{id}} with its own password and may also publish on its batch topic, which may
 * name other clients (the agent trusts the batch topic for that, and nothing else).
 */
public final class MqttAccess implements IAuthenticator, IAuthorizatorPolicy {
  private static final String MEMBER_PREFIX = "member/";

  private final MemberCredentials member;

  public MqttAccess(MemberCredentials member) {
    this.member = member;
  }

  /** The user name a member's own MQTT connection logs in with. */
  public static String memberUser(String memberName) {
    return MEMBER_PREFIX + memberName;
  }

  /** The password of {@code memberName}'s MQTT login: only holders of the mesh secret can compute it. */
  public static String memberPassword(MemberCredentials credentials, String memberName) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(ClientSecrets.hmac(credentials.meshSecret(), "member-mqtt-password:" + memberName));
  }

  @Override
  public boolean checkValid(String mqttClientId, String username, byte[] password) {
    if (username == null || password == null) {
      return false;
    }
    String presented = new String(password, StandardCharsets.UTF_8);
    if (username.startsWith(MEMBER_PREFIX)) {
      return ClientSecrets.sameSecret(memberPassword(member, username.substring(MEMBER_PREFIX.length())), presented);
    }
    if (username.startsWith(ClientSecrets.GATEWAY_USER_PREFIX)) {
      String gatewayId = username.substring(ClientSecrets.GATEWAY_USER_PREFIX.length());
      return io.baton.protocol.Ids.isValid(gatewayId)
          && ClientSecrets.sameSecret(member.gatewaySecretsOf(gatewayId).mqttPassword(), presented);
    }
    return io.baton.protocol.Ids.isValid(username)
        && ClientSecrets.sameSecret(member.secretsOf(username).mqttPassword(), presented);
  }

  @Override
  public boolean canWrite(Topic topic, String user, String mqttClientId) {
    if (isMember(user)) {
      return true;
    }
    // A gateway may publish batches naming other clients; a client only reports about itself.
    return MqttTopics.parseInbound(topic.toString())
        .filter(inbound -> inbound.clientId().equals(clientIdOf(user)))
        .filter(inbound -> inbound.kind() != MqttTopics.Inbound.BATCH || isGateway(user))
        .isPresent();
  }

  @Override
  public boolean canRead(Topic topic, String user, String mqttClientId) {
    if (isMember(user)) {
      return true;
    }
    String filter = topic.toString();
    String clientId = clientIdOf(user);
    return filter.equals(MqttTopics.clientFilter(clientId)) || MqttTopics.parseOutbound(clientId, filter).isPresent();
  }

  /** The client a login acts as: its user name, or a gateway's id. */
  private static String clientIdOf(String user) {
    return isGateway(user) ? user.substring(ClientSecrets.GATEWAY_USER_PREFIX.length()) : user;
  }

  private static boolean isGateway(String user) {
    return user != null && user.startsWith(ClientSecrets.GATEWAY_USER_PREFIX);
  }

  private static boolean isMember(String user) {
    return user != null && user.startsWith(MEMBER_PREFIX);
  }
}
