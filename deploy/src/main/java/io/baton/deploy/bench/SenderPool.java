package io.baton.deploy.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** What every load shares: its sender threads, the flag that stops them, and its counts. */
abstract class SenderPool implements TelemetryLoad {
  final AtomicLong failures = new AtomicLong();
  final AtomicLong sent = new AtomicLong();
  /** Answers that said the agent shed the report (CoAP 5.03); MQTT has none, the agent counts its drops. */
  final AtomicLong shed = new AtomicLong();
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

  @Override
  public long sent() {
    return sent.get();
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
