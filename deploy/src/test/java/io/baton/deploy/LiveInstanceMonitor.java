package io.baton.deploy;

import io.baton.agent.runtime.InstanceState;
import io.baton.agent.runtime.InstanceTransition;
import io.baton.deploy.mesh.LocalMesh;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Records every instance state change at every site of an in-process mesh and checks the fencing
 * rule: never two LIVE copies of one instance at the same moment.
 */
final class LiveInstanceMonitor {
  private final List<InstanceTransition> transitions = new ArrayList<>();

  LiveInstanceMonitor(LocalMesh mesh) {
    mesh.sites().forEach(site -> site.agent().runtime().onTransition(this::record));
  }

  private synchronized void record(InstanceTransition transition) {
    transitions.add(transition);
  }

  synchronized List<InstanceTransition> transitions() {
    return List.copyOf(transitions);
  }

  /** Moments (as descriptions) at which an instance was LIVE at more than one site. */
  synchronized List<String> doubleLiveMoments() {
    List<InstanceTransition> ordered = new ArrayList<>(transitions);
    ordered.sort(Comparator.comparingLong(InstanceTransition::atNanos));
    Map<String, Set<String>> liveSites = new HashMap<>();
    List<String> violations = new ArrayList<>();
    for (InstanceTransition t : ordered) {
      Set<String> live = liveSites.computeIfAbsent(t.instanceId(), id -> new HashSet<>());
      if (t.from() == InstanceState.LIVE) {
        live.remove(t.site());
      }
      if (t.to() == InstanceState.LIVE) {
        live.add(t.site());
      }
      if (live.size() > 1) {
        violations.add(t.instanceId() + " live at " + live + " after " + t);
      }
    }
    return violations;
  }

  /** The sites at which the instance is LIVE after all recorded transitions. */
  synchronized Set<String> liveSites(String instanceId) {
    Set<String> live = new HashSet<>();
    transitions.stream().filter(t -> t.instanceId().equals(instanceId))
        .sorted(Comparator.comparingLong(InstanceTransition::atNanos))
        .forEach(t -> {
          if (t.from() == InstanceState.LIVE) {
            live.remove(t.site());
          }
          if (t.to() == InstanceState.LIVE) {
            live.add(t.site());
          }
        });
    return live;
  }
}
