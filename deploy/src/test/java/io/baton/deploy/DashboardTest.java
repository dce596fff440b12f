package io.baton.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.baton.broker.BrokerConfig;
import io.baton.broker.control.ControlApiConfig;
import io.baton.broker.control.ControlApiVerticle;
import io.baton.client.BatonClient;
import io.baton.deploy.mesh.LocalMesh;
import io.baton.protocol.wire.TelemetryReport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium against a real mesh: an operator registers nodes and a
 * profile, deploys a service, migrates it by hand, and sees the handoff's steps appear on the
 * timeline and the service change site, all through the live event stream.
 */
class DashboardTest {
  private static final String TOKEN = "dashboard-operator-token-42";
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static LocalMesh mesh;
  private static WebDriver browser;
  private static String url;
  private static Path profileDir;

  @BeforeAll
  static void start() throws Exception {
    mesh = MeshFixture.start(43, BrokerConfig.defaults().withTechnique("pre-copy"));
    ControlApiVerticle api = new ControlApiVerticle(mesh.broker(), new ControlApiConfig("127.0.43.1", 0, TOKEN, 50));
    MeshFixture.await(mesh.brokerVertx().deployVerticle(api));
    url = "http://127.0.43.1:" + api.port() + "/";
    profileDir = Files.createTempDirectory("baton-chromium");
    ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profileDir, "--window-size=1500,1080");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (mesh != null) {
      mesh.close();
    }
    if (profileDir != null) {
      try (var files = Files.walk(profileDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void registerDeployMigrateAndWatchTheTimeline() throws Exception {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    browser.get(url + "#token=" + TOKEN);
    wait.until(ExpectedConditions.textToBe(By.id("conn-text"), "live"));

    registerNode("site-a", "coap://127.0.43.2:5683", "edge", "campus");
    registerNode("site-b", "coap://127.0.43.3:5683", "edge", "campus");
    registerNode("site-c", "coap://127.0.43.4:5683", "cloud", "azure");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".node[data-node='site-c']")));
    // The agents report their load every 5 s; the cards turn green or red as the reports arrive.
    wait.until(d -> d.findElements(By.cssSelector(".node.green, .node.red")).size() == 3);

    WebElement profile = browser.findElement(By.id("profile-form"));
    fillIn(profile, "name", "counter-small");
    profile.findElement(By.cssSelector("button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toast"), "Profile counter-small registered"));

    WebElement deploy = browser.findElement(By.id("deploy-form"));
    fillIn(deploy, "clientId", "car-7");
    new Select(deploy.findElement(By.name("service"))).selectByVisibleText("counter");
    new Select(deploy.findElement(By.name("node"))).selectByVisibleText("site-a");
    new Select(deploy.findElement(By.name("profile"))).selectByVisibleText("counter-small");
    deploy.findElement(By.cssSelector("button")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-client='car-7']"), "site-a"));

    try (BatonClient car = BatonClient.builder().clientId("car-7").credentials(MeshFixture.client(mesh, "car-7")).service("counter").site(mesh.site("site-a").orElseThrow().config().coapEndpoint()).build()) {
      assertEquals("site-a", car.attachBlocking().site(), "the client finds the service the operator deployed");
      // A position and signals for the map; site-a stays the best, so no trigger fires.
      for (int i = 0; i < 3; i++) {
        car.report(new TelemetryReport("car-7", System.currentTimeMillis(), 120 + 40 * i, 80 + 10 * i, 12, 90,
            Map.of("site-a", -62.0, "site-b", -78.0, "site-c", -95.0))).join();
        Thread.sleep(1_100);
      }
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("map"), "-62 dBm"));
      screenshot("dashboard-deployed.png");

      WebElement migrate = browser.findElement(By.id("migrate-form"));
      browser.navigate().refresh();
      wait.until(ExpectedConditions.textToBe(By.id("conn-text"), "live"));
      migrate = browser.findElement(By.id("migrate-form"));
      new Select(migrate.findElement(By.name("clientId"))).selectByVisibleText("car-7");
      new Select(migrate.findElement(By.name("target"))).selectByVisibleText("site-b");
      new Select(migrate.findElement(By.name("technique"))).selectByVisibleText("pre-copy");
      migrate.findElement(By.cssSelector("button")).click();

      wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".handoff[data-status='COMPLETED']")));
      WebElement handoff = browser.findElement(By.cssSelector(".handoff[data-status='COMPLETED']"));
      assertTrue(handoff.getText().contains("site-a → site-b"), handoff.getText());
      List<String> steps = handoff.findElements(By.cssSelector(".segments div")).stream().map(s -> s.getDomAttribute("data-step")).toList();
      assertTrue(steps.containsAll(List.of("prepare", "freeze", "transfer", "restore", "release")), steps.toString());
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-client='car-7']"), "site-b"));
      assertEquals("site-b", car.callBlocking(new io.vertx.core.json.JsonObject().put("op", "get")).site());
      car.report(new TelemetryReport("car-7", System.currentTimeMillis(), 260, 100, 12, 90,
          Map.of("site-a", -80.0, "site-b", -58.0, "site-c", -95.0))).join();
      wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("map"), "site-b · -58 dBm"));
      assertTrue(browser.findElement(By.id("events")).getText().contains("handoff-completed"));
      screenshot("dashboard-migrated.png");
    }
  }

  private static void registerNode(String name, String endpoint, String role, String network) {
    WebElement form = browser.findElement(By.id("node-form"));
    fillIn(form, "name", name);
    fillIn(form, "endpoint", endpoint);
    new Select(form.findElement(By.name("role"))).selectByVisibleText(role);
    fillIn(form, "network", network);
    form.findElement(By.cssSelector("button")).click();
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .until(ExpectedConditions.textToBePresentInElementLocated(By.id("toast"), "Node " + name + " registered"));
  }

  private static void fillIn(WebElement form, String field, String value) {
    WebElement input = form.findElement(By.name(field));
    input.clear();
    input.sendKeys(value);
  }

  private static void screenshot(String name) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }
}
