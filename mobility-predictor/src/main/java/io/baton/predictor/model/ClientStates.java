package io.baton.predictor.model;

import java.util.Iterator;
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

  /** Forgets clients idle too long; returns how many. Access order means the idle ones come first. */
  public int expire(long nowMs) {
    int expired = 0;
    Iterator<ClientState> oldestFirst = states.values().iterator();
    while (oldestFirst.hasNext()) {
      ClientState state = oldestFirst.next();
      if (nowMs - state.lastHeardMs <= idleExpiryMs) {
        break;
      }
      oldestFirst.remove();
      expired++;
    }
    return expired;
  }

  public int size() {
    return states.size();
  }
}
