package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.deploy.bench.predictor.FcdTrace;
import io.baton.deploy.bench.predictor.PedestrianTraces;
import io.baton.deploy.bench.predictor.PredictorBench;
import io.baton.deploy.bench.predictor.Scorecard;
import io.baton.deploy.bench.predictor.SiteLayout;
import io.baton.deploy.bench.predictor.TracePoint;
import io.baton.deploy.cli.BatonCli;
import io.baton.broker.BrokerConfig;
import io.baton.predictor.plan.PlannerConfig;
import io.baton.protocol.directory.SitePlacement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code baton bench predictor} on the committed SUMO trace (25 vehicles on a 5x5 grid, made by
 * deploy/scripts/sumo-traces.sh) and on generated pedestrians: everything seeded and in simulated
 * time, so the scores are exact and the predictor is held to them.
 */
class PredictorBenchTest {
  static final Path TRACE = Path.of("src/test/resources/predictor/grid-small.fcd.xml");
  static final Path SITES = Path.of("src/test/resources/predictor/grid.sites.json");

  private static PredictorBench.Options options(String name) {
    return new PredictorBench.Options(name, 200, 2.0, 1, 100, 20, 2_000, BrokerConfig.defaults(),
        PlannerConfig.defaults().withLink(0.5, 12_500_000), false);
  }

  private static Scorecard card(List<Scorecard> cards, String prefix) {
    return cards.stream().filter(c -> c.strategy().startsWith(prefix)).findFirst().orElseThrow();
  }

  @Test
  void readsSumoFloatingCarData() throws IOException {
    Map<String, List<TracePoint>> vehicles = FcdTrace.read(TRACE);
    assertEquals(25, vehicles.size());
    assertEquals(2419, vehicles.values().stream().mapToInt(List::size).sum());
    TracePoint first = vehicles.get("0").get(0);
    assertTrue(first.timeMs() % 1000 == 0 && Double.isFinite(first.x()) && first.headingDeg() >= 0 && first.headingDeg() < 360);
  }

  @Test
  void refusesWhatIsNotFloatingCarDataWithTheReason(@TempDir Path dir) throws IOException {
    Path noTimesteps = Files.writeString(dir.resolve("a.xml"), "<fcd-export><foo/></fcd-export>");
    assertTrue(assertThrows(IOException.class, () -> FcdTrace.read(noTimesteps)).getMessage().contains("no <timestep>"));
    Path badNumber = Files.writeString(dir.resolve("b.xml"),
        "<fcd-export><timestep time=\"0\"><vehicle id=\"v\" x=\"1\" y=\"nan\" angle=\"0\" speed=\"1\"/></timestep></fcd-export>");
    assertTrue(assertThrows(IOException.class, () -> FcdTrace.read(badNumber)).getMessage().contains("'y'"));
    Path truncated = Files.writeString(dir.resolve("c.xml"), "<fcd-export><timestep time=\"0\"><vehicle id=\"v\"");
    assertTrue(assertThrows(IOException.class, () -> FcdTrace.read(truncated)).getMessage().contains("not well-formed"));
    Path duplicateSite = Files.writeString(dir.resolve("s.json"),
        "[{\"id\":\"a\",\"x\":0,\"y\":0,\"txPowerDbm\":20,\"pathLossExponent\":3},"
            + "{\"id\":\"a\",\"x\":5,\"y\":0,\"txPowerDbm\":20,\"pathLossExponent\":3}]");
    assertTrue(assertThrows(IOException.class, () -> SiteLayout.read(duplicateSite)).getMessage().contains("listed twice"));
  }

  @Test
  void thePredictorBeatsBothBaselinesOnTheSumoGrid() throws IOException {
    List<SitePlacement> sites = SiteLayout.read(SITES);
    List<Scorecard> cards = new PredictorBench(options("grid-small"), new PrintStream(new ByteArrayOutputStream()))
        .run(FcdTrace.read(TRACE), sites).cards();
    Scorecard reactive = card(cards, "reactive");
    Scorecard nearest = card(cards, "nearest");
    Scorecard predictor = card(cards, "predictor (combined)");
    assertEquals(68, predictor.handoffs(), "the broker's trigger fires the same handoffs for everyone");
    assertEquals(0, reactive.prestageHits());
    assertTrue(predictor.top1Accuracy() >= 0.9, "top-1 " + predictor.top1Accuracy());
    assertTrue(predictor.top1Accuracy() >= nearest.top1Accuracy(), predictor + " vs " + nearest);
    assertTrue(predictor.meanLeadSeconds() >= 5, "lead " + predictor.meanLeadSeconds());
    assertTrue(predictor.hitRate() >= 0.85 && predictor.hitRate() > nearest.hitRate(), predictor + " vs " + nearest);
    assertTrue(predictor.wastedBytes() < nearest.wastedBytes() / 2, predictor + " vs " + nearest);
  }

  @Test
  void walkersAreForecastToo() {
    List<SitePlacement> sites = List.of(new SitePlacement("a", 0, 0, 20, 3), new SitePlacement("b", 150, 0, 20, 3),
        new SitePlacement("c", 0, 150, 20, 3), new SitePlacement("d", 150, 150, 20, 3));
    Map<String, List<TracePoint>> walkers = PedestrianTraces.generate(8, 900, sites, 3);
    List<Scorecard> cards = new PredictorBench(options("walkers"), new PrintStream(new ByteArrayOutputStream()))
        .run(walkers, sites).cards();
    Scorecard predictor = card(cards, "predictor (combined)");
    assertTrue(predictor.handoffs() >= 20, "walkers cross cells: " + predictor);
    assertTrue(predictor.top1Accuracy() >= 0.8, predictor.toString());
    assertTrue(predictor.hitRate() >= 0.8, predictor.toString());
  }

  @Test
  void theCommandPrintsAndWritesItsTable(@TempDir Path out) throws IOException {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int exit;
    try {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      exit = new CommandLine(new BatonCli()).execute("bench", "predictor", "--fcd", TRACE.toString(), "--sites", SITES.toString(),
          "--no-ablation", "--out", out.toString());
    } finally {
      System.setOut(stdout);
    }
    String output = printed.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, output);
    assertTrue(output.contains("| predictor (combined) |") && output.contains("| nearest site now |"), output);
    assertTrue(Files.readString(out.resolve("predictor-grid-small.md")).contains("| reactive |"));
    assertNotEquals(0, new CommandLine(new BatonCli()).execute("bench", "predictor", "--sites", SITES.toString()),
        "neither --fcd nor --pedestrians");
  }
}
