package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.broker.BrokerConfig;
import io.baton.deploy.mesh.MeshCredentials;
import io.baton.deploy.mesh.MeshLayout;
import io.baton.deploy.demo.VehicleDemo;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo as a newcomer watches it: while the vehicle drives, the dashboard the demo printed
 * (opened in a real headless Chromium with the operator token from the file it named) shows the
 * three sites, the vehicle on the map, and each handoff's steps on the timeline.
 */
class DemoDashboardTest {
  private static final Pattern DASHBOARD = Pattern.compile("Dashboard: (http://\\S+/) \\(the operator token is in (\\S+)\\)");

  @TempDir
  Path credentials;
  @TempDir
  Path browserProfile;

  @Test
  void theDashboardShowsTheDriveWhileItRuns() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
    // A slower drive than the demo's default, so the browser is up well before the first handoff.
    VehicleDemo.Options options = new VehicleDemo.Options(20, 20, 10, 250, 2.0, 7, BrokerConfig.defaults()).withDashboardPort(18080);
    MeshLayout layout = new MeshLayout("127.0.47.1", List.of("127.0.47.2", "127.0.47.3", "127.0.47.4"), 5701, 5683, 7443);
    CompletableFuture<VehicleDemo.Result> demo = CompletableFuture.supplyAsync(
        () -> new VehicleDemo(options, out).run(layout, false, MeshCredentials.in(credentials)));

    Matcher printedUrl = awaitDashboardLine(printed, demo);
    String url = printedUrl.group(1);
    String token = Files.readString(Path.of(printedUrl.group(2))).trim();
    WebDriver browser = chromium();
    try {
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
      browser.get(url + "#token=" + token);
      wait.until(ExpectedConditions.textToBe(By.id("conn-text"), "live"));
      wait.until(d -> d.findElements(By.cssSelector(".node[data-node^='site-']")).size() == 3);
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("map"), "vehicle-1"));
      wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".handoff[data-status='COMPLETED']")));
      WebElement handoff = browser.findElement(By.cssSelector(".handoff[data-status='COMPLETED']"));
      assertTrue(handoff.getText().contains("site-a → site-b"), handoff.getText());
      List<String> steps = handoff.findElements(By.cssSelector(".segments div")).stream().map(s -> s.getDomAttribute("data-step")).toList();
      assertTrue(steps.containsAll(List.of("prepare", "freeze", "transfer", "restore", "release")), steps.toString());
      Path screenshots = Files.createDirectories(Path.of("target", "screenshots"));
      Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), screenshots.resolve("demo-dashboard.png"),
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      browser.quit();
    }
    VehicleDemo.Result result = demo.get(3, TimeUnit.MINUTES);
    assertEquals(0, result.drive().lost(), printed.toString(StandardCharsets.UTF_8));
    assertEquals(0, result.duplicated());
  }

  private static Matcher awaitDashboardLine(ByteArrayOutputStream printed, CompletableFuture<?> demo) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      Matcher matcher = DASHBOARD.matcher(printed.toString(StandardCharsets.UTF_8));
      if (matcher.find()) {
        return matcher;
      }
      if (demo.isDone()) {
        demo.join();
        break;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the demo printed no dashboard line:\n" + printed.toString(StandardCharsets.UTF_8));
  }

  private WebDriver chromium() {
    ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + browserProfile, "--window-size=1500,1080");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
        .usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }
}
