package io.baton.protocol;

import java.util.regex.Pattern;

/**
 * What an id (client, site, service) may look like wherever it comes from outside: a payload field
 * or an MQTT topic level. Ids also become topic levels and bus addresses, so no '/', '+', '#' or
 * whitespace can ever get in.
 */
public final class Ids {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  private Ids() {
  }

  public static boolean isValid(String text) {
    return text != null && ID.matcher(text).matches();
  }
}
