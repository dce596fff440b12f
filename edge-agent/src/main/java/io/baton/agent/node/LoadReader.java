package io.baton.agent.node;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * Reads this machine's load from the OS: CPU and RAM through the JDK's OperatingSystemMXBean
 * (which reads /proc on Linux), GPU busy percent from the kernel's DRM sysfs where a GPU exposes
 * it (amdgpu, i915 via gpu_busy_percent). Blocking file reads: call it off the event loop.
 */
public final class LoadReader {
  private static final Path DRM = Path.of("/sys/class/drm");

  private final OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);

  public double cpuPercent() {
    double load = os.getCpuLoad();
    return load < 0 ? 0 : load * 100;
  }

  public long ramTotalBytes() {
    return os.getTotalMemorySize();
  }

  public double ramPercent() {
    long total = os.getTotalMemorySize();
    return total <= 0 ? 0 : 100.0 * (total - os.getFreeMemorySize()) / total;
  }

  public int cores() {
    return os.getAvailableProcessors();
  }

  /** The busiest GPU's percent, or empty when no GPU reports one. */
  public OptionalDouble gpuPercent() {
    if (!Files.isDirectory(DRM)) {
      return OptionalDouble.empty();
    }
    OptionalDouble busiest = OptionalDouble.empty();
    try (DirectoryStream<Path> cards = Files.newDirectoryStream(DRM, "card[0-9]*")) {
      for (Path card : cards) {
        Path busy = card.resolve("device/gpu_busy_percent");
        if (Files.isReadable(busy)) {
          double percent = Double.parseDouble(Files.readString(busy).trim());
          if (busiest.isEmpty() || percent > busiest.getAsDouble()) {
            busiest = OptionalDouble.of(percent);
          }
        }
      }
    } catch (IOException | NumberFormatException unreadable) {
      return busiest;
    }
    return busiest;
  }
}
