package io.baton.cluster;

import io.baton.protocol.health.StallWatchdog;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class during which any cluster member of this JVM stalled (a Vert.x thread blocked
 * past its limit, a cluster operation pending 30 s: see {@link StallWatchdog}). A stall under load
 * is a defect, not noise, even when the test's own assertions held. Registered for every test of
 * this module and of deploy (which takes it from this module's test-jar) through each one's
 * junit-platform.properties and META-INF/services.
 */
public final class StallGuard implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(StallGuard.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NAMESPACE).put("before", StallWatchdog.reports().size());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    int before = context.getStore(NAMESPACE).getOrDefault("before", Integer.class, 0);
    List<String> reports = StallWatchdog.reports();
    if (reports.size() > before) {
      throw new AssertionError("members stalled during " + context.getDisplayName() + " (thread dumps in the log): "
          + reports.subList(before, reports.size()));
    }
  }
}
