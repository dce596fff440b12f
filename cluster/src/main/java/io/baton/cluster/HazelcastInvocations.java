package io.baton.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.spi.impl.operationservice.impl.Invocation;
import com.hazelcast.spi.impl.operationservice.impl.OperationServiceImpl;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;

/**
 * For a stall report: what each member of this process is waiting for from the cluster. The
 * invocations pending by operation, and the responses that arrived but are not handed out yet,
 * tell a cluster that stopped answering from a member that stopped reading its answers (the
 * second was the mesh's stall: hundreds of thousands of responses queued behind thread starts).
 */
final class HazelcastInvocations {
  private HazelcastInvocations() {
  }

  static String describe() {
    StringBuilder out = new StringBuilder("Hazelcast invocations of the members in this process (threads started so far: ")
        .append(ManagementFactory.getThreadMXBean().getTotalStartedThreadCount()).append("):\n");
    for (HazelcastInstance instance : Hazelcast.getAllHazelcastInstances()) {
      if (instance instanceof HazelcastInstanceProxy proxy && instance.getLifecycleService().isRunning()) {
        try {
          describe(proxy, out);
        } catch (RuntimeException stopped) {
          out.append("  ").append(instance.getName()).append(": ").append(stopped.getMessage()).append('\n');
        }
      }
    }
    return out.toString();
  }

  private static void describe(HazelcastInstanceProxy proxy, StringBuilder out) {
    var node = proxy.getOriginal().node;
    OperationServiceImpl operations = node.getNodeEngine().getOperationService();
    Map<String, Integer> pending = new TreeMap<>();
    for (Invocation invocation : operations.getInvocationRegistry()) {
      pending.merge(invocation.op.getClass().getSimpleName(), 1, Integer::sum);
    }
    out.append("  ").append(node.getThisAddress()).append(": ").append(operations.getInvocationRegistry().size())
        .append(" pending ").append(pending).append(", ")
        .append(operations.getInboundResponseHandlerSupplier().responseQueueSize()).append(" responses queued\n");
  }
}
