package io.baton.deploy.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Downtime and total migration time per configuration and technique, as grouped bars on a log
 * scale (the values span milliseconds to minutes), drawn with Java2D: no chart library needed.
 */
final class BarChart {
  private static final Color[] PALETTE = {
      new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F)};
  private static final int WIDTH = 1200;
  private static final int PANEL_HEIGHT = 360;

  private BarChart() {
  }

  static void write(List<RunResult> results, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(WIDTH, 2 * PANEL_HEIGHT + 80, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    Map<String, Map<String, List<RunResult>>> byConfig = new LinkedHashMap<>();
    results.stream().filter(RunResult::ok).forEach(r -> byConfig.computeIfAbsent(r.config(), c -> new LinkedHashMap<>())
        .computeIfAbsent(r.requested(), t -> new ArrayList<>()).add(r));
    List<String> techniques = results.stream().map(RunResult::requested).distinct().toList();
    panel(g, 20, "Downtime (s), median, log scale", byConfig, techniques, Column.ALL.stream()
        .filter(c -> c.header().equals("downtime s")).findFirst().orElseThrow());
    panel(g, 20 + PANEL_HEIGHT, "Total migration time (s), median, log scale", byConfig, techniques, Column.ALL.stream()
        .filter(c -> c.header().equals("total s")).findFirst().orElseThrow());
    legend(g, techniques, 2 * PANEL_HEIGHT + 40);
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }

  private static void panel(Graphics2D g, int top, String title, Map<String, Map<String, List<RunResult>>> byConfig,
      List<String> techniques, Column column) {
    int left = 80;
    int right = WIDTH - 20;
    int bottom = top + PANEL_HEIGHT - 50;
    int plotTop = top + 30;
    g.setColor(Color.DARK_GRAY);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, left, top + 15);
    double min = 1e-3;
    double max = 1e3;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (double tick = min; tick <= max; tick *= 10) {
      int y = yOf(tick, min, max, plotTop, bottom);
      g.setColor(new Color(0xE0E0E0));
      g.drawLine(left, y, right, y);
      g.setColor(Color.GRAY);
      g.drawString(tick >= 1 ? String.format("%.0f", tick) : String.format("%.3f", tick).replaceAll("0+$", ""), 20, y + 4);
    }
    int groups = Math.max(1, byConfig.size());
    int groupWidth = (right - left) / groups;
    int barWidth = Math.max(6, (groupWidth - 30) / Math.max(1, techniques.size()));
    int group = 0;
    for (Map.Entry<String, Map<String, List<RunResult>>> config : byConfig.entrySet()) {
      int x0 = left + group * groupWidth + 15;
      for (int t = 0; t < techniques.size(); t++) {
        List<RunResult> runs = config.getValue().get(techniques.get(t));
        if (runs == null || runs.isEmpty()) {
          continue;
        }
        double value = Math.max(min, ResultsReport.median(runs, column));
        int y = yOf(value, min, max, plotTop, bottom);
        g.setColor(PALETTE[t % PALETTE.length]);
        g.fillRect(x0 + t * barWidth, y, barWidth - 2, bottom - y);
      }
      g.setColor(Color.DARK_GRAY);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
      g.drawString("config " + config.getKey(), x0 + groupWidth / 2 - 40, bottom + 20);
      group++;
    }
    g.setColor(Color.GRAY);
    g.setStroke(new BasicStroke(1));
    g.drawLine(left, bottom, right, bottom);
  }

  private static void legend(Graphics2D g, List<String> techniques, int y) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    int x = 80;
    for (int t = 0; t < techniques.size(); t++) {
      g.setColor(PALETTE[t % PALETTE.length]);
      g.fillRect(x, y - 11, 14, 14);
      g.setColor(Color.DARK_GRAY);
      g.drawString(techniques.get(t), x + 20, y);
      x += 150;
    }
  }

  private static int yOf(double value, double min, double max, int top, int bottom) {
    double fraction = (Math.log10(value) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
    return (int) Math.round(bottom - Math.max(0, Math.min(1, fraction)) * (bottom - top));
  }
}
