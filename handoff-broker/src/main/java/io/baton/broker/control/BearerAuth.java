package io.baton.broker.control;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Lets a request through only with the operator's token: {@code Authorization: Bearer <token>},
 * or {@code ?access_token=<token>} for the event stream (a browser's EventSource cannot set
 * headers). Compared in constant time.
 */
final class BearerAuth implements Handler<RoutingContext> {
  private final byte[] token;

  BearerAuth(String token) {
    if (token == null || token.length() < 16) {
      throw new IllegalArgumentException("the operator token must have at least 16 characters");
    }
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    String offered = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : ctx.queryParams().get("access_token");
    if (offered != null && matches(offered)) {
      ctx.next();
      return;
    }
    ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"baton\"")
        .putHeader("Content-Type", "application/json")
        .end(new io.vertx.core.json.JsonObject().put("error", offered == null
            ? "this API needs the operator token: Authorization: Bearer <token>" : "the token is not valid").encode());
  }

  boolean matches(String offered) {
    return MessageDigest.isEqual(token, offered.getBytes(StandardCharsets.UTF_8));
  }
}
