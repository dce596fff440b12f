package io.baton.client.spi;

import io.vertx.core.json.JsonObject;

/** What one attempt of a call came to. */
public sealed interface CallOutcome {

  /** A site answered: {@code reply} is {"requestId","result","site","epoch"}. */
  record Answered(JsonObject reply) implements CallOutcome {
  }

  /** No answer, or the instance is frozen for a handoff (5.03): hold the call and send it again. */
  record Unavailable(boolean frozen, String why) implements CallOutcome {
  }

  /** The mesh refused the call for good (4.xx): replaying it would not help. */
  record Refused(String code, String reason) implements CallOutcome {
  }
}
