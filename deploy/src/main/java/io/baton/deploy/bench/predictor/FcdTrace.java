package io.baton.deploy.bench.predictor;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads SUMO's floating-car data ({@code sumo --fcd-output}): {@code <timestep time="t">} elements
 * holding {@code <vehicle id x y angle speed .../>} (and {@code <person>} for pedestrians), gzip
 * or plain. Streamed with StAX, so a trace of hundreds of megabytes costs only its samples.
 */
public final class FcdTrace {
  private FcdTrace() {
  }

  /** Every mover's samples, in time order, by id. */
  public static Map<String, List<TracePoint>> read(Path file) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      return read(file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw, file.toString());
    }
  }

  static Map<String, List<TracePoint>> read(InputStream in, String name) throws IOException {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    Map<String, List<TracePoint>> movers = new TreeMap<>();
    boolean sawTimestep = false;
    try {
      XMLStreamReader xml = factory.createXMLStreamReader(in);
      long timeMs = -1;
      while (xml.hasNext()) {
        if (xml.next() != XMLStreamConstants.START_ELEMENT) {
          continue;
        }
        switch (xml.getLocalName()) {
          case "timestep" -> {
            timeMs = Math.round(number(xml, "time", name) * 1000);
            sawTimestep = true;
          }
          case "vehicle", "person" -> {
            if (timeMs < 0) {
              throw new IOException(name + ": a " + xml.getLocalName() + " outside any timestep (line "
                  + xml.getLocation().getLineNumber() + ")");
            }
            String id = xml.getAttributeValue(null, "id");
            if (id == null) {
              throw new IOException(name + ": a " + xml.getLocalName() + " without an id (line " + xml.getLocation().getLineNumber() + ")");
            }
            movers.computeIfAbsent(id, k -> new ArrayList<>()).add(new TracePoint(timeMs, number(xml, "x", name),
                number(xml, "y", name), number(xml, "speed", name), number(xml, "angle", name)));
          }
          default -> {
          }
        }
      }
    } catch (XMLStreamException e) {
      throw new IOException(name + ": not well-formed FCD XML: " + e.getMessage(), e);
    }
    if (!sawTimestep) {
      throw new IOException(name + ": no <timestep> elements: is this SUMO --fcd-output?");
    }
    return movers;
  }

  private static double number(XMLStreamReader xml, String attribute, String name) throws IOException {
    String value = xml.getAttributeValue(null, attribute);
    try {
      double parsed = Double.parseDouble(value);
      if (Double.isFinite(parsed)) {
        return parsed;
      }
    } catch (NullPointerException | NumberFormatException e) {
      // reported below
    }
    throw new IOException(name + " line " + xml.getLocation().getLineNumber() + ": attribute '" + attribute
        + "' of <" + xml.getLocalName() + "> is not a number: " + value);
  }
}
