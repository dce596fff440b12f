package io.baton.protocol;

import java.util.Optional;

/**
 * The MQTT topic scheme. What a client sends is addressed to the site that serves it, so several
 * agents can share one broker and each message is handled by exactly one of them; what a site sends
 * a client is addressed to the client alone, wherever it is connected.
 *
 * <pre>
 * client -> site   baton/site/{siteId}/{clientId}/telemetry   one report, or a batch (array), about {clientId} only
 *                  baton/site/{siteId}/{gatewayId}/batch      a gateway's batch for the devices behind it
 *                  baton/site/{siteId}/{clientId}/attach      {"clientId":..,"service":..}
 *                  baton/site/{siteId}/{clientId}/call        {"requestId":"{clientId}:{run}-{n}", ...}
 * site -> client   baton/client/{clientId}/redirect           the assignment; QoS 1, retained
 *                  baton/client/{clientId}/result             {"requestId":..,"result":{..},"site":..,"epoch":..}
 *                  baton/client/{clientId}/error              {"code":"4.00","reason":..,"topic":..,"requestId":..}
 * </pre>
 */
public final class MqttTopics {
  private MqttTopics() {
  }

  public static final String ROOT = "baton";
  public static final int DEFAULT_PORT = 1883;

  /** What a client asks of a site: the last level of an inbound topic. */
  public enum Inbound {
    TELEMETRY, ATTACH, CALL,
    /** Telemetry that may name other clients: on a secured broker only a gateway's login may publish it. */
    BATCH;

    public String topic(String siteId, String clientId) {
      return ROOT + "/site/" + siteId + "/" + clientId + "/" + name().toLowerCase();
    }

    static Optional<Inbound> of(String level) {
      for (Inbound kind : values()) {
        if (kind.name().toLowerCase().equals(level)) {
          return Optional.of(kind);
        }
      }
      return Optional.empty();
    }
  }

  /** What a site tells a client. */
  public enum Outbound {
    REDIRECT, RESULT, ERROR;

    public String topic(String clientId) {
      return ROOT + "/client/" + clientId + "/" + name().toLowerCase();
    }
  }

  /**
   * The agent's two connections to a broker, each subscribed to its own kinds of inbound message.
   * Requests (attaches and calls) never queue behind telemetry: a broker sends each connection's
   * messages in order, so over one connection a call waited behind every report the broker had
   * queued for the agent.
   */
  public enum Lane {
    /** Attaches and calls, at least once. */
    REQUESTS,
    /**
     * Telemetry and batches, at most once (clients still publish at QoS 1 to the broker): a report
     * is superseded by the next and shed by the agent's admission bound under overload anyway. At
     * QoS 1 a broker holds few unacknowledged messages per subscriber (Moquette 0.17: 10), which
     * capped an agent's telemetry at that window per round trip; and Moquette 0.17 resends one
     * unacknowledged after 5 s without retaining its payload, so the late PUBACK over-releases it
     * and the exception ends that session thread for good (moquette-io/moquette#871, "session
     * command queue is full").
     */
    TELEMETRY;

    public static Lane of(Inbound kind) {
      return kind == Inbound.TELEMETRY || kind == Inbound.BATCH ? TELEMETRY : REQUESTS;
    }

    public int qos() {
      return this == TELEMETRY ? 0 : 1;
    }
  }

  /** What one of an agent's connections subscribes to: the lane's kinds addressed to its site, with the lane's QoS. */
  public static java.util.Map<String, Integer> siteSubscriptions(String siteId, Lane lane) {
    java.util.Map<String, Integer> filters = new java.util.LinkedHashMap<>();
    for (Inbound kind : Inbound.values()) {
      if (Lane.of(kind) == lane) {
        filters.put(ROOT + "/site/" + siteId + "/+/" + kind.name().toLowerCase(), lane.qos());
      }
    }
    return java.util.Collections.unmodifiableMap(filters);
  }

  /** The filter a client subscribes to: everything addressed to it. */
  public static String clientFilter(String clientId) {
    return ROOT + "/client/" + clientId + "/+";
  }

  /** An inbound topic split into its client id and kind; empty if it is not one. */
  public record InboundTopic(String siteId, String clientId, Inbound kind) {
  }

  public static Optional<InboundTopic> parseInbound(String topic) {
    String[] levels = topic.split("/", -1);
    if (levels.length != 5 || !levels[0].equals(ROOT) || !levels[1].equals("site") || !Ids.isValid(levels[2])
        || !Ids.isValid(levels[3])) {
      return Optional.empty();
    }
    return Inbound.of(levels[4]).map(kind -> new InboundTopic(levels[2], levels[3], kind));
  }

  /** The kind of an outbound topic for {@code clientId}; empty if it is not one. */
  public static Optional<Outbound> parseOutbound(String clientId, String topic) {
    String prefix = ROOT + "/client/" + clientId + "/";
    if (!topic.startsWith(prefix)) {
      return Optional.empty();
    }
    String level = topic.substring(prefix.length());
    for (Outbound kind : Outbound.values()) {
      if (kind.name().toLowerCase().equals(level)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
