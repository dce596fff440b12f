package io.baton.protocol;

/**
 * CoAP resource paths served by every edge agent. A client id is the last path segment where a
 * resource is per client, e.g. {@code POST /service/car-7}.
 */
public final class CoapPaths {
  private CoapPaths() {
  }

  /** POST: JSON telemetry report. */
  public static final String TELEMETRY = "telemetry";
  /** POST: attach a client and deploy its service if it has none yet. */
  public static final String ATTACH = "attach";
  /** GET with Observe: the client's current assignment; a redirect arrives as a notification. */
  public static final String HANDOFF = "handoff";
  /** POST: a call to the client's service instance. */
  public static final String SERVICE = "service";

  public static final int DEFAULT_PORT = 5683;
}
