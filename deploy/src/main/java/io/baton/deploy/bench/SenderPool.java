package io.baton.deploy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** What every load shares: its sender threads, the flag that stops them, and its failure count. */
abstract class SenderPool implements TelemetryLoad {
  final AtomicLong failures = new AtomicLong();
  private final List<Thread> senders = new ArrayList<>();
  private volatile boolean running = true;

  boolean running() {
    return running;
  }

  void startSender(String name, Runnable loop) {
    Thread sender = new Thread(loop, name);
    sender.setDaemon(true);
    senders.add(sender);
    sender.start();
  }

  @Override
  public long failures() {
    return failures.get();
  }

  /** Stops the senders, waits for them, then lets the protocol close its connections. */
  @Override
  public void close() {
    running = false;
    for (Thread sender : senders) {
      try {
        sender.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closeConnections();
  }

  abstract void closeConnections();
}
