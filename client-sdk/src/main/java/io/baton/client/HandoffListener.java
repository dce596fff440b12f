package io.baton.client;

import java.time.Duration;
import java.time.Instant;

/**
 * Hears the handoffs of a client's service as the app lives them. A handoff starts when a call finds
 * the service frozen or a redirect arrives, whichever comes first; it ends with the first answer
 * from the new site (or, if the handoff was aborted, from the old one again).
 */
public interface HandoffListener {

  default void onHandoffStart(Start start) {
  }

  default void onHandoffEnd(End end) {
  }

  /** {@code cause}: "frozen" (a call met the frozen service) or "redirect" (the notification came first). */
  record Start(String clientId, String fromSite, long fromEpoch, Instant at, String cause) {
  }

  /**
   * {@code interruption}: from the first send of the first call that could not be answered (or, if
   * none was held, from the redirect or the send of the first call answered under the new epoch,
   * whichever is later) to the first answer under the new epoch: how long the app waited for its
   * service. An app that made no call meanwhile did not wait. {@code moved} is false if the handoff was aborted and the old site answers
   * again. {@code heldCalls} counts the call attempts that were held and replayed.
   */
  record End(String clientId, String fromSite, String toSite, long epoch, Duration interruption, int heldCalls,
      boolean moved) {
  }
}
