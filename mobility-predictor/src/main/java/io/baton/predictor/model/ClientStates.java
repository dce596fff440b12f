package io.baton.predictor.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every tracked client's state, bounded twice: at most {@code maxClients} (the least recently heard
 * evicted first) and none idle for longer than {@code idleExpiryMs} of the predictor's clock.
 */
public final class ClientStates {
  private final long idleExpiryMs;
  private final LinkedHashMap<String, ClientState> states;

  public ClientStates(int maxClients, long idleExpiryMs) {
    this.idleExpiryMs = idleExpiryMs;
    this.states = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, ClientState> eldest) {
        return size() > maxClients;
      }
    };
  }

  public ClientState heard(String clientId, long nowMs) {
    ClientState state = states.computeIfAbsent(clientId, ClientState::new);
    state.lastHeardMs = nowMs;
    return state;
  }

  public ClientState get(String clientId) {
    return states.get(clientId);
  }

  public boolean contains(String clientId) {
    return states.containsKey(clientId);
  }

  /** Forgets clients idle too long; returns how many. */
  public int expire(long nowMs) {
    int before = states.size();
    states.values().removeIf(state -> nowMs - state.lastHeardMs > idleExpiryMs);
    return before - states.size();
  }

  public int size() {
    return states.size();
  }
}
