package io.baton.client;

/** The mesh refused a request ({@link #code()} is the CoAP code, e.g. "4.04"), or no site answered in time. */
public final class BatonException extends RuntimeException {
  private final String code;

  public BatonException(String code, String reason) {
    super(code + " " + reason);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
