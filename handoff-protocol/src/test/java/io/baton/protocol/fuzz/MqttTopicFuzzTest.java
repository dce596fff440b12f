package io.baton.protocol.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.baton.protocol.Ids;
import io.baton.protocol.MqttTopics;

/**
 * MQTT topics an agent receives: a topic is either not an inbound topic, or one whose site and
 * client are valid ids and which the parsed parts spell again exactly (nothing smuggled in a level).
 */
class MqttTopicFuzzTest {

  @FuzzTest(maxDuration = "10s")
  @DictionaryEntries({"baton/", "site/", "client/", "/telemetry", "/attach", "/call", "/", "+", "#"})
  void inboundTopicsRoundTrip(FuzzedDataProvider data) {
    String topic = data.consumeRemainingAsString();
    MqttTopics.parseInbound(topic).ifPresent(parsed -> {
      if (!Ids.isValid(parsed.siteId()) || !Ids.isValid(parsed.clientId())
          || !parsed.kind().topic(parsed.siteId(), parsed.clientId()).equals(topic)) {
        throw new AssertionError("accepted " + topic + " as " + parsed);
      }
    });
  }
}
