package io.baton.broker.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.baton.broker.control.AppProfile;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Seed 001's autonomous-migration experiments (section 5.7), replayed: edge nodes lab3 and vrone
 * share a network, lab4 is on another, mec is the cloud VM; services use the "nginx" profile (10%
 * CPU); a node above 50% CPU is red. The loads are the ones the thesis gives or implies (vrone at
 * 38%: "10 + 38 = 48"; lab4 at 59% in scenario II; a lab4 that takes three 10% services but not a
 * fourth for Algorithm II). The placements must be the ones the thesis reports.
 */
class PlacementPolicyTest {
  private static final AppProfile NGINX = new AppProfile("nginx", 10, 0, 5);
  private static final double THRESHOLD = 50;
  private static final Candidate MEC = Candidate.cloud("mec", "azure");

  private static List<Demand> apps(int... numbers) {
    return IntStream.of(numbers).mapToObj(n -> new Demand("app-" + n, NGINX)).toList();
  }

  private static PlacementRequest request(String from, List<Demand> demands, Candidate... nodes) {
    return new PlacementRequest(from, demands, List.of(nodes), THRESHOLD, Map.of());
  }

  @Test
  void algorithmOneScenarioOneSameNetworkThenAnotherThenTheCloud() {
    // lab3 is stressed past 50% with app-1..3 on it.
    PlacementRequest request = request("lab3", apps(1, 2, 3),
        Candidate.edge("lab3", "aalto-a", 75), Candidate.edge("vrone", "aalto-a", 38), Candidate.edge("lab4", "aalto-b", 35), MEC);
    assertEquals(Map.of("app-1", "vrone", "app-2", "lab4", "app-3", "mec"), new NearestGreen().place(request));
    assertEquals(List.of("app-1", "app-2", "app-3"), List.copyOf(new NearestGreen().place(request).keySet()), "in order");
  }

  @Test
  void algorithmOneScenarioTwoNoGreenNodeInTheSameNetwork() {
    // lab4 at 59% with app-2; lab3 is still stressed; vrone (another network) is the only green node.
    PlacementRequest request = request("lab4", apps(2),
        Candidate.edge("lab3", "aalto-a", 75), Candidate.edge("vrone", "aalto-a", 38), Candidate.edge("lab4", "aalto-b", 59), MEC);
    assertEquals(Map.of("app-2", "vrone"), new NearestGreen().place(request));
  }

  @Test
  void algorithmOneScenarioThreeEverythingToTheCloudWhenNoEdgeNodeIsLeft() {
    // vrone is red and lab3 and lab4 are unavailable (they report no load, so they are not candidates).
    PlacementRequest request = request("vrone", apps(1, 2), Candidate.edge("vrone", "aalto-a", 70), MEC);
    assertEquals(Map.of("app-1", "mec", "app-2", "mec"), new NearestGreen().place(request));
  }

  @Test
  void algorithmTwoFillsTheMostLoadedNodeThatStillFitsFirst() {
    PlacementRequest request = request("lab3", apps(1, 2, 3, 4),
        Candidate.edge("lab3", "aalto-a", 75), Candidate.edge("lab4", "aalto-b", 15), Candidate.edge("vrone", "aalto-a", 12), MEC);
    assertEquals(Map.of("app-1", "lab4", "app-2", "lab4", "app-3", "lab4", "app-4", "vrone"), new Consolidate().place(request));
  }

  @Test
  void algorithmTwoScenarioTwoAndThree() {
    PlacementRequest lab4Red = request("lab4", apps(1, 2, 3),
        Candidate.edge("lab3", "aalto-a", 75), Candidate.edge("lab4", "aalto-b", 60), Candidate.edge("vrone", "aalto-a", 12), MEC);
    assertEquals(Map.of("app-1", "vrone", "app-2", "vrone", "app-3", "vrone"), new Consolidate().place(lab4Red));
    PlacementRequest vroneRed = request("vrone", apps(1, 2, 3, 4),
        Candidate.edge("lab3", "aalto-a", 75), Candidate.edge("lab4", "aalto-b", 60), Candidate.edge("vrone", "aalto-a", 65), MEC);
    assertEquals(Map.of("app-1", "mec", "app-2", "mec", "app-3", "mec", "app-4", "mec"), new Consolidate().place(vroneRed));
  }

  @Test
  void theTwoAlgorithmsDifferOnTheSameLoads() {
    // Same nodes as Algorithm II's experiment: nearest-green spreads by least load, consolidate packs.
    PlacementRequest request = request("lab3", apps(1, 2),
        Candidate.edge("lab3", "aalto-a", 75), Candidate.edge("lab4", "aalto-b", 15), Candidate.edge("vrone", "aalto-a", 12), MEC);
    assertEquals(Map.of("app-1", "vrone", "app-2", "vrone"), new NearestGreen().place(request));
    assertEquals(Map.of("app-1", "lab4", "app-2", "lab4"), new Consolidate().place(request));
  }

  @Test
  void mobilityAwareGoesWhereTheUserGoesIfItFitsElseNearThere() {
    Candidate[] nodes = {Candidate.edge("lab3", "aalto-a", 75), Candidate.edge("vrone", "aalto-a", 30),
        Candidate.edge("lab4", "aalto-b", 20), Candidate.edge("lab5", "aalto-b", 44), MEC};
    Map<String, String> predicted = Map.of("app-1", "lab5", "app-2", "lab4");
    PlacementRequest request = new PlacementRequest("lab3", apps(1, 2, 3), List.of(nodes), THRESHOLD, predicted);
    // app-1 is heading to lab5, which is too loaded (44 + 10): the nearest to lab5 that fits is lab4, in lab5's network.
    // app-2 is heading to lab4, which still fits. app-3 has no prediction: nearest to lab3 (vrone, same network).
    assertEquals(Map.of("app-1", "lab4", "app-2", "lab4", "app-3", "vrone"), new MobilityAware().place(request));
    // Nearest-green ignores where users go.
    assertEquals(Map.of("app-1", "vrone", "app-2", "lab4", "app-3", "lab4"), new NearestGreen().place(request));
  }

  @Test
  void aGpuQuotaNeedsANodeWithAGpu() {
    AppProfile vision = new AppProfile("vision", 10, 30, 10);
    PlacementRequest request = new PlacementRequest("lab3", List.of(new Demand("ar-1", vision)),
        List.of(Candidate.edge("lab3", "aalto-a", 75), Candidate.edge("vrone", "aalto-a", 10),
            new Candidate("gpu-box", false, "aalto-b", 30, 20, 40), MEC), THRESHOLD, Map.of());
    assertEquals(Map.of("ar-1", "gpu-box"), new NearestGreen().place(request));
  }

  @Test
  void withoutACloudAServiceThatFitsNowhereStays() {
    PlacementRequest request = request("lab3", apps(1), Candidate.edge("lab3", "aalto-a", 75), Candidate.edge("vrone", "aalto-a", 45));
    assertEquals(Map.of(), new NearestGreen().place(request));
    assertEquals(Map.of(), new Consolidate().place(request));
  }

  @Test
  void policiesAreChosenByName() {
    assertEquals("consolidate", PlacementPolicy.named("consolidate").name());
    assertEquals("mobility-aware", PlacementPolicy.named("mobility-aware").name());
    assertThrows(IllegalArgumentException.class, () -> PlacementPolicy.named("random"));
  }
}
