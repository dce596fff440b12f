package io.baton.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MqttTopicsTest {

  @Test
  void anAgentsTwoLanesMatchEachInboundTopicOnceWithTelemetryAtMostOnce() {
    Map<String, Integer> requests = MqttTopics.siteSubscriptions("site-a", MqttTopics.Lane.REQUESTS);
    Map<String, Integer> telemetry = MqttTopics.siteSubscriptions("site-a", MqttTopics.Lane.TELEMETRY);
    for (MqttTopics.Inbound kind : MqttTopics.Inbound.values()) {
      String topic = kind.topic("site-a", "car-7");
      boolean isTelemetry = kind == MqttTopics.Inbound.TELEMETRY || kind == MqttTopics.Inbound.BATCH;
      Map<String, Integer> own = isTelemetry ? telemetry : requests;
      Map<String, Integer> other = isTelemetry ? requests : telemetry;
      assertEquals(1, own.keySet().stream().filter(filter -> matches(filter, topic)).count(), topic + " in " + own.keySet());
      assertEquals(0, other.keySet().stream().filter(filter -> matches(filter, topic)).count(), topic + " not in " + other.keySet());
      int qos = own.entrySet().stream().filter(e -> matches(e.getKey(), topic)).findFirst().orElseThrow().getValue();
      assertEquals(isTelemetry ? 0 : 1, qos, topic);
    }
    assertEquals(0, requests.keySet().stream().filter(f -> matches(f, MqttTopics.Inbound.CALL.topic("site-b", "car-7"))).count(),
        "another site's traffic is not ours");
  }

  /** MQTT's single-level wildcard match, enough for these filters. */
  private static boolean matches(String filter, String topic) {
    String[] f = filter.split("/");
    String[] t = topic.split("/");
    if (f.length != t.length) {
      return false;
    }
    for (int i = 0; i < f.length; i++) {
      if (!f[i].equals("+") && !f[i].equals(t[i])) {
        return false;
      }
    }
    return true;
  }
}
