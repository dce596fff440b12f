package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.broker.BrokerConfig;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.deploy.demo.VehicleDemo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo as a newcomer runs it (a faster drive, its own addresses): progress, handoffs, the final table. */
class VehicleDemoTest {

  @Test
  void theDemoHandsOffTwiceAndPrintsItsTables() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    VehicleDemo.Options options = new VehicleDemo.Options(60, 20, 10, 250, 2.0, 7, BrokerConfig.defaults());
    MeshLayout layout = new MeshLayout("127.0.4.1", List.of("127.0.4.2", "127.0.4.3", "127.0.4.4"), 5701, 5683, 7443);
    VehicleDemo.Result result = new VehicleDemo(options, new PrintStream(printed, true, StandardCharsets.UTF_8)).run(layout);
    String output = printed.toString(StandardCharsets.UTF_8);

    assertEquals(List.of("site-a->site-b", "site-b->site-c"),
        result.handoffs().stream().map(h -> h.sourceSite() + "->" + h.targetSite()).toList(), output);
    assertEquals(0, result.drive().lost(), output);
    assertEquals(0, result.duplicated(), output);
    assertEquals(result.drive().answered().size(), result.executedCalls(), output);
    assertTrue(output.contains("serving site-b"), "progress lines show the serving site\n" + output);
    assertTrue(output.contains("Handoffs") && output.contains("downtime ms") && output.contains("bytes moved"), output);
    assertTrue(output.contains("Requests") && output.contains("duplicated"), output);
  }
}
