package io.baton.predictor.telemetry;

/** Why a telemetry report was ignored. */
public enum Rejection {
  MISSING_FIELD,
  NON_FINITE_POSITION,
  NON_FINITE_MOTION,
  BAD_RSSI,
  UNKNOWN_SITE,
  UNKNOWN_SERVING_SITE,
  OUT_OF_ORDER
}
