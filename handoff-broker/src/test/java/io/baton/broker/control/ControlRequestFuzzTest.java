package io.baton.broker.control;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * The control API's request bodies, as the REST and gRPC faces hand them over: the text is read as
 * a JSON object and then as a node, a profile, a deployment or a migration. Each is accepted with
 * checked fields or refused with BadRequestException (a 4xx with the reason), never anything else.
 */
class ControlRequestFuzzTest {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

  @FuzzTest(maxDuration = "10s")
  @DictionaryEntries({"\"name\"", "\"endpoint\"", "\"role\"", "\"network\"", "\"cpuPercent\"", "\"gpuPercent\"",
      "\"ramPercent\"", "\"clientId\"", "\"service\"", "\"node\"", "\"profile\"", "\"stateful\"", "\"target\"",
      "\"technique\"", "\"edge\"", "\"cold\"", "true", "1e400", "-0", "NaN", "{}", "[]", "null"})
  void requestBodiesAreParsedOrRefusedClearly(FuzzedDataProvider data) {
    int kind = data.consumeInt(0, 3);
    String text = data.consumeRemainingAsString();
    try {
      JsonObject body = Fields.body(text);
      switch (kind) {
        case 0 -> {
          NodeInfo node = NodeInfo.fromJson(body);
          check(isName(node.name()) && isName(node.network()) && !node.endpoint().isBlank() && node.role() != null, node);
          NodeInfo.fromJson(node.toJson());
        }
        case 1 -> {
          AppProfile profile = AppProfile.fromJson(body);
          check(isName(profile.name()) && percent(profile.cpuPercent()) && percent(profile.gpuPercent())
              && percent(profile.ramPercent()), profile);
          AppProfile.fromJson(profile.toJson());
        }
        case 2 -> {
          Deployment deployment = Deployment.fromJson(body);
          check(isName(deployment.clientId()) && isName(deployment.service()) && isName(deployment.node())
              && isName(deployment.profile()), deployment);
          Deployment.fromJson(deployment.toJson());
        }
        default -> {
          MigrationRequest migration = MigrationRequest.fromJson(body);
          check(isName(migration.clientId()) && isName(migration.target()), migration);
        }
      }
    } catch (BadRequestException refused) {
      check(refused.status() >= 400 && refused.status() < 500 && refused.getMessage() != null, refused);
    }
  }

  private static boolean isName(String value) {
    return value != null && NAME.matcher(value).matches();
  }

  private static boolean percent(double value) {
    return value >= 0 && value <= 100;
  }

  private static void check(boolean holds, Object what) {
    if (!holds) {
      throw new AssertionError("accepted but not valid: " + what);
    }
  }
}
