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
 * client id, so no client can claim a member's name) and may use every topic.
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
    return io.baton.protocol.Ids.isValid(username)
        && ClientSecrets.sameSecret(member.secretsOf(username).mqttPassword(), presented);
  }

  @Override
  public boolean canWrite(Topic topic, String user, String mqttClientId) {
    if (isMember(user)) {
      return true;
    }
    return MqttTopics.parseInbound(topic.toString()).filter(inbound -> inbound.clientId().equals(user)).isPresent();
  }

  @Override
  public boolean canRead(Topic topic, String user, String mqttClientId) {
    if (isMember(user)) {
      return true;
    }
    String filter = topic.toString();
    return filter.equals(MqttTopics.clientFilter(user)) || MqttTopics.parseOutbound(user, filter).isPresent();
  }

  private static boolean isMember(String user) {
    return user != null && user.startsWith(MEMBER_PREFIX);
  }
}
