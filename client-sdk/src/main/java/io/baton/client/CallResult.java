package io.baton.client;

import io.vertx.core.json.JsonObject;

/**
 * The answer to one service call: the service's result, the site and epoch that produced it, and
 * how many sends it took (more than one when the call was held through a handoff).
 */
public record CallResult(String requestId, JsonObject result, String site, long epoch, int attempts, long latencyNanos) {
}
