package io.baton.deploy.bench.predictor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The links between sites in simulated time, for pre-stages only: each directed link gives
 * pre-staging {@code budgetBytesPerSecond}, shared equally by the transfers running on it. It
 * knows which pre-stage of which client is at which target and how far along, so it can say
 * whether a handoff found its target ready, and how many staged bytes were never used.
 */
public final class PrestageLinks {
  /** Told when a transfer's last byte arrived. */
  public interface Completion {
    void completed(String prestageId, long bytes, long micros, long nowMs);
  }

  private static final class Transfer {
    final String id;
    final String clientId;
    final String link;
    final long bytes;
    final long startMs;
    double done;
    boolean complete;

    Transfer(String id, String clientId, String link, long bytes, long startMs) {
      this.id = id;
      this.clientId = clientId;
      this.link = link;
      this.bytes = bytes;
      this.startMs = startMs;
    }
  }

  private final double budgetBytesPerSecond;
  private final Map<String, List<Transfer>> running = new HashMap<>();
  private final Map<String, Transfer> byId = new HashMap<>();
  private final Map<String, Transfer> byClientTarget = new HashMap<>();
  private Completion completion = (id, bytes, micros, now) -> { };
  private long clockMs;
  private double wastedBytes;
  private double usedBytes;
  private long started;

  public PrestageLinks(double budgetBytesPerSecond) {
    this.budgetBytesPerSecond = budgetBytesPerSecond;
  }

  public void onCompletion(Completion completion) {
    this.completion = completion;
  }

  public void start(String prestageId, String clientId, String from, String to, long bytes) {
    Transfer replaced = byClientTarget.remove(clientId + ">" + to);
    if (replaced != null) {
      drop(replaced, true);
    }
    Transfer transfer = new Transfer(prestageId, clientId, from + ">" + to, bytes, clockMs);
    byId.put(prestageId, transfer);
    byClientTarget.put(clientId + ">" + to, transfer);
    running.computeIfAbsent(transfer.link, l -> new ArrayList<>()).add(transfer);
    started++;
  }

  public void cancel(String prestageId) {
    Transfer transfer = byId.get(prestageId);
    if (transfer != null) {
      byClientTarget.values().remove(transfer);
      drop(transfer, true);
    }
  }

  /** The client was handed off to {@code to}: true if a pre-stage there had completed. Its bytes were used. */
  public boolean handoff(String clientId, String to) {
    Transfer transfer = byClientTarget.remove(clientId + ">" + to);
    if (transfer == null) {
      return false;
    }
    drop(transfer, false);
    return transfer.complete;
  }

  /** Whatever is still staged at the end was never used. */
  public void finish() {
    List.copyOf(byId.values()).forEach(t -> drop(t, true));
    byClientTarget.clear();
  }

  private void drop(Transfer transfer, boolean wasted) {
    byId.remove(transfer.id);
    List<Transfer> onLink = running.get(transfer.link);
    if (onLink != null) {
      onLink.remove(transfer);
    }
    if (wasted) {
      wastedBytes += transfer.done;
    } else {
      usedBytes += transfer.done;
    }
  }

  /** Moves time on: every link's running transfers progress at their share, completing in order. */
  public void advanceTo(long nowMs) {
    for (List<Transfer> onLink : running.values()) {
      double t = clockMs;
      while (!onLink.isEmpty() && t < nowMs) {
        double rate = budgetBytesPerSecond / onLink.size();
        Transfer first = onLink.stream().min((a, b) -> Double.compare(a.bytes - a.done, b.bytes - b.done)).orElseThrow();
        double finishAt = t + (first.bytes - first.done) / rate * 1000;
        double until = Math.min(finishAt, nowMs);
        for (Transfer transfer : onLink) {
          transfer.done = Math.min(transfer.bytes, transfer.done + rate * (until - t) / 1000);
        }
        t = until;
        if (finishAt <= nowMs) {
          first.done = first.bytes;
          first.complete = true;
          onLink.remove(first);
          completion.completed(first.id, first.bytes, Math.round((finishAt - first.startMs) * 1000), (long) finishAt);
        }
      }
    }
    clockMs = nowMs;
  }

  public long wastedBytes() {
    return Math.round(wastedBytes);
  }

  public long usedBytes() {
    return Math.round(usedBytes);
  }

  public long started() {
    return started;
  }
}
