package io.baton.protocol.directory;

import io.vertx.core.json.JsonObject;

/**
 * An emulated link from one site to another: a bandwidth cap and an added one-way delay. Agents
 * apply it to every transfer-plane message they send on that link, so a benchmark reproduces a
 * 11 Mbps / 123 ms RTT path without kernel traffic shaping.
 */
public record LinkProfile(double bandwidthBitsPerSecond, double oneWayDelayMillis) {

  public LinkProfile {
    if (!(bandwidthBitsPerSecond > 0) || !(oneWayDelayMillis >= 0)) {
      throw new IllegalArgumentException("a link needs a positive bandwidth and a non-negative delay, got "
          + bandwidthBitsPerSecond + " bit/s and " + oneWayDelayMillis + " ms");
    }
  }

  public static LinkProfile ofMbps(double mbps, double rttMillis) {
    return new LinkProfile(mbps * 1_000_000, rttMillis / 2);
  }

  public double bytesPerSecond() {
    return bandwidthBitsPerSecond / 8;
  }

  public JsonObject toJson() {
    return new JsonObject().put("bandwidthBitsPerSecond", bandwidthBitsPerSecond).put("oneWayDelayMillis", oneWayDelayMillis);
  }

  public static LinkProfile fromJson(JsonObject json) {
    return new LinkProfile(json.getDouble("bandwidthBitsPerSecond"), json.getDouble("oneWayDelayMillis"));
  }
}
