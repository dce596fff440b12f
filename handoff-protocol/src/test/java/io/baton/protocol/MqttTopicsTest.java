package io.baton.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MqttTopicsTest {

  @Test
  void anAgentsFiltersMatchEachInboundTopicOnceWithTelemetryAtMostOnce() {
    Map<String, Integer> filters = MqttTopics.siteSubscriptions("site-a");
    for (MqttTopics.Inbound kind : MqttTopics.Inbound.values()) {
      String topic = kind.topic("site-a", "car-7");
      long matching = filters.keySet().stream().filter(filter -> matches(filter, topic)).count();
      assertEquals(1, matching, topic + " must match exactly one filter of " + filters.keySet());
      int qos = filters.entrySet().stream().filter(e -> matches(e.getKey(), topic)).findFirst().orElseThrow().getValue();
      boolean telemetry = kind == MqttTopics.Inbound.TELEMETRY || kind == MqttTopics.Inbound.BATCH;
      assertEquals(telemetry ? 0 : 1, qos, topic);
    }
    assertEquals(0, filters.keySet().stream().filter(f -> matches(f, MqttTopics.Inbound.CALL.topic("site-b", "car-7"))).count(),
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
