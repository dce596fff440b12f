package io.baton.agent.handoff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A command asked again gets the first answer; a remembered answer holds its outcome only, not the
 * steps that computed it (an agent remembers thousands of handoffs, and a post-copy restore's steps
 * hold its whole memory: the full migration bench ran out of heap before this).
 */
class CommandMemoTest {
  private final CommandMemo memo = new CommandMemo();

  @Test
  void aCommandAskedAgainGetsTheFirstAnswerWithoutRunningAgain() {
    AtomicInteger runs = new AtomicInteger();
    Promise<String> first = Promise.promise();
    Future<String> asked = memo.once("restore", "h-1", () -> {
      runs.incrementAndGet();
      return first.future();
    });
    Future<String> askedWhileRunning = memo.once("restore", "h-1", () -> Future.succeededFuture("second run"));
    first.complete("restored");

    assertSame(asked, askedWhileRunning, "a command still running is waited for");
    assertEquals("restored", memo.once("restore", "h-1", () -> Future.succeededFuture("second run")).result());
    assertEquals(1, runs.get());
  }

  @Test
  void aFailureIsForgottenUnlessItsOutcomeCannotChange() {
    memo.once("freeze", "h-2", () -> Future.failedFuture("engine busy"));
    assertEquals("frozen", memo.once("freeze", "h-2", () -> Future.succeededFuture("frozen")).result(), "tried again");

    memo.settled("await-pages", "h-2", () -> Future.failedFuture("the target's copy died"));
    Future<String> again = memo.settled("await-pages", "h-2", () -> Future.succeededFuture("all pages"));
    assertTrue(again.failed());
    assertEquals("the target's copy died", again.cause().getMessage());
  }

  @Test
  void aSettledAnswerKeepsItsOutcomeButNotWhatItsStepsCaptured() throws InterruptedException {
    Promise<Void> pagesArrived = Promise.promise();
    @SuppressWarnings("unchecked")
    WeakReference<byte[]>[] memory = new WeakReference[1];
    memo.settled("await-pages", "h-3", () -> stepHolding(pagesArrived, memory));
    pagesArrived.complete();

    for (int i = 0; i < 20 && memory[0].get() != null; i++) {
      System.gc();
      Thread.sleep(50);
    }
    assertNull(memory[0].get(), "the memory the step captured was collected");
    assertEquals("1048576 bytes arrived", memo.settled("await-pages", "h-3", () -> Future.succeededFuture("asked again")).result());
  }

  /** A step whose function captures a large object, as a restore's steps capture the memory they fill. */
  private static Future<String> stepHolding(Promise<Void> trigger, WeakReference<byte[]>[] captured) {
    byte[] memory = new byte[1 << 20];
    captured[0] = new WeakReference<>(memory);
    return trigger.future().map(v -> memory.length + " bytes arrived");
  }
}
