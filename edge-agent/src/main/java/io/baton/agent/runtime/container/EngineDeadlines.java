package io.baton.agent.runtime.container;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How long each kind of call into a container engine may take. The engine answers a checkpoint or
 * a restore only when CRIU is done, so a CRIU that hangs holds the request open forever unless
 * the caller gives up: past its deadline a call fails with {@link EngineDeadlineException} and the
 * engine's stuck runtime processes for that container are ended (see {@link StuckRuntime}).
 *
 * @param call     create, start, inspect, remove, checkpoint deletion: bookkeeping calls
 * @param checkpoint a CRIU dump (leave-running or final)
 * @param restore  a start from a checkpoint (a CRIU restore)
 * @param exec     one command inside a container (health checks, the exec query)
 * @param image    image save and load: long, but they stream; the deadline is on silence
 */
public record EngineDeadlines(Duration call, Duration checkpoint, Duration restore, Duration exec, Duration image) {
  /** Generous for a 64 MB container on a loaded 2-core machine, short against a hang. */
  public static final EngineDeadlines DEFAULTS = new EngineDeadlines(Duration.ofSeconds(30), Duration.ofSeconds(60),
      Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(300));

  public EngineDeadlines {
    for (Duration each : new Duration[] {call, checkpoint, restore, exec, image}) {
      if (each == null || each.isNegative() || each.isZero()) {
        throw new IllegalArgumentException("engine deadlines must be positive, got " + each);
      }
    }
  }

  /**
   * From {@code kind=seconds,...} (for instance {@code checkpoint=120,restore=90}); kinds not named
   * keep their defaults. A bad entry is refused with what was wrong.
   */
  public static EngineDeadlines parse(String spec) {
    Map<String, Duration> values = new LinkedHashMap<>(Map.of("call", DEFAULTS.call, "checkpoint", DEFAULTS.checkpoint,
        "restore", DEFAULTS.restore, "exec", DEFAULTS.exec, "image", DEFAULTS.image));
    if (spec != null && !spec.isBlank()) {
      for (String entry : spec.split(",")) {
        String[] pair = entry.trim().split("=", 2);
        if (pair.length != 2 || !values.containsKey(pair[0].trim())) {
          throw new IllegalArgumentException("engine deadline '" + entry.trim() + "' is not kind=seconds with kind one of "
              + values.keySet());
        }
        double seconds;
        try {
          seconds = Double.parseDouble(pair[1].trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("engine deadline '" + entry.trim() + "': '" + pair[1].trim() + "' is not a number of seconds");
        }
        if (!(seconds > 0) || seconds > 86_400) {
          throw new IllegalArgumentException("engine deadline '" + entry.trim() + "' must be between 0 and 86400 seconds");
        }
        values.put(pair[0].trim(), Duration.ofMillis((long) (seconds * 1000)));
      }
    }
    return new EngineDeadlines(values.get("call"), values.get("checkpoint"), values.get("restore"), values.get("exec"),
        values.get("image"));
  }

  /** The same deadlines with every CRIU call (checkpoint and restore) bounded by {@code criu}. */
  public EngineDeadlines withCriu(Duration criu) {
    return new EngineDeadlines(call, criu, criu, exec, image);
  }

  /** A call to the engine did not finish in time; what the engine was left doing was ended. */
  public static final class EngineDeadlineException extends RuntimeException {
    public EngineDeadlineException(String message) {
      super(message);
    }
  }
}
