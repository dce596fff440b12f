package io.baton.deploy.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** A metric of the benchmark's table and CSV: header, unit conversion, format. */
record Column(String header, String format, ToDoubleFunction<RunResult> value) {

  static final double MB = 1024.0 * 1024.0;

  static final List<Column> ALL = List.of(
      new Column("pre-dump s", "%.2f", r -> r.metrics().preDumpMillis() / 1000),
      new Column("pre-dump xfer s", "%.2f", r -> r.metrics().preDumpTransferMillis() / 1000),
      new Column("dump s", "%.3f", r -> r.metrics().dumpMillis() / 1000),
      new Column("dump xfer s", "%.3f", r -> r.metrics().dumpTransferMillis() / 1000),
      new Column("resume s", "%.3f", r -> r.metrics().resumeMillis() / 1000),
      new Column("faulted xfer s", "%.2f", r -> r.metrics().faultedPagesTransferMillis() / 1000),
      new Column("pre-dump MB", "%.1f", r -> r.metrics().preDumpBytes() / MB),
      new Column("dump MB", "%.2f", r -> r.metrics().dumpBytes() / MB),
      new Column("faulted MB", "%.1f", r -> r.metrics().faultedPagesBytes() / MB),
      new Column("downtime s", "%.3f", r -> r.metrics().componentDowntimeMillis() / 1000),
      new Column("observed downtime s", "%.3f", r -> r.downtimeMillis() / 1000),
      new Column("total s", "%.2f", r -> r.metrics().totalMillis() / 1000));
}
