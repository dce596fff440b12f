package io.baton.agent.handoff;

import io.baton.agent.runtime.Snapshot;
import io.baton.protocol.event.HandoffRequested;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What this agent holds for handoffs in flight, by handoff id: as a target, the accepted request
 * and the snapshot received for it; as a source, the request that froze an instance. Used from the
 * agent's context only.
 */
public final class HandoffLedger {
  private final Map<String, HandoffRequested> prepared = new HashMap<>();
  private final Map<String, Snapshot> received = new HashMap<>();
  private final Map<String, Frozen> frozen = new HashMap<>();
  /** Handoffs aborted here before their freeze ran: bounded, the oldest forgotten first. */
  private final Map<String, Boolean> abortedBeforeFreeze = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > ABORTED_MEMORY;
    }
  };
  private static final int ABORTED_MEMORY = 4_096;

  /** A source instance frozen for a handoff, with the snapshot taken at the freeze. */
  record Frozen(HandoffRequested request, Snapshot snapshot) {
  }

  void prepared(HandoffRequested request) {
    prepared.put(request.handoffId(), request);
  }

  public Optional<HandoffRequested> preparedFor(String handoffId) {
    return Optional.ofNullable(prepared.get(handoffId));
  }

  public void received(String handoffId, Snapshot snapshot) {
    received.put(handoffId, snapshot);
  }

  Optional<Snapshot> receivedFor(String handoffId) {
    return Optional.ofNullable(received.get(handoffId));
  }

  void frozen(HandoffRequested request, Snapshot snapshot) {
    frozen.put(request.handoffId(), new Frozen(request, snapshot));
  }

  Optional<Frozen> frozenFor(String handoffId) {
    return Optional.ofNullable(frozen.get(handoffId));
  }

  /**
   * The broker gave up on a handoff whose freeze has not run here (its request is late, stuck
   * behind a slow directory read): when it does run, it must not freeze.
   */
  void abortedBeforeFreeze(String handoffId) {
    abortedBeforeFreeze.put(handoffId, Boolean.TRUE);
  }

  boolean wasAbortedBeforeFreeze(String handoffId) {
    return abortedBeforeFreeze.containsKey(handoffId);
  }

  void forget(String handoffId) {
    prepared.remove(handoffId);
    received.remove(handoffId);
    frozen.remove(handoffId);
  }
}
