package io.baton.agent.clients;

import io.baton.protocol.wire.Assignment;
import io.baton.protocol.wire.HandoffHint;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What this agent tells clients about where their service is going. The newest assignment each
 * recently redirected client was announced (from ClientRedirected), so
 * the redirect reaches the client without a directory read queued behind the site's other work,
 * and from whichever thread sends it (Californium's, for an observe notification). Only a newer
 * epoch replaces an entry, so a late or repeated announcement never sends a client backwards.
 * Bounded: the clients redirected longest ago are forgotten, and are then read from the directory again.
 * And, while a handoff of a client served here runs, the site it is going to ({@link HandoffHint}),
 * so the client can connect there before the redirect.
 */
public final class AnnouncedAssignments {
  private static final int CAPACITY = 65_536;

  private final Map<String, HandoffHint> pending = new HashMap<>();
  private final Map<String, Assignment> latest = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Assignment> eldest) {
      return size() > CAPACITY;
    }
  };

  /** Records {@code assignment}; true if it is news (no entry, or an older epoch), false if already known. */
  public synchronized boolean announce(Assignment assignment) {
    Assignment known = latest.get(assignment.clientId());
    if (known != null && known.epoch() >= assignment.epoch()) {
      return false;
    }
    latest.put(assignment.clientId(), assignment);
    pending.remove(assignment.clientId());
    return true;
  }

  /** A handoff of the client, serving under {@code epoch}, toward {@code next} started (unless its redirect is already known). */
  public synchronized void expect(String clientId, long epoch, HandoffHint next) {
    Assignment known = latest.get(clientId);
    if (known == null || known.epoch() <= epoch) {
      pending.put(clientId, next);
    }
  }

  /** The handoff ended without moving the client (aborted), or it was redirected. */
  public synchronized void settled(String clientId) {
    pending.remove(clientId);
  }

  public synchronized Optional<HandoffHint> hint(String clientId) {
    return Optional.ofNullable(pending.get(clientId));
  }

  /** A redirect announced without its assignment: the directory, not this table, has the client's truth now. */
  public synchronized void forget(String clientId) {
    latest.remove(clientId);
    pending.remove(clientId);
  }

  public synchronized Optional<Assignment> latest(String clientId) {
    return Optional.ofNullable(latest.get(clientId));
  }
}
