package io.baton.agent.coap;

import java.util.List;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.server.resources.Resource;

/**
 * A resource addressed as {@code /name/{clientId}}. Californium resolves paths through {@link
 * #getChild}; answering every child name with this resource lets one object serve all clients
 * without a child per client.
 */
abstract class PerClientResource extends CoapResource {

  PerClientResource(String name) {
    super(name);
  }

  @Override
  public Resource getChild(String name) {
    return this;
  }

  /** The client id of a request, or null if the path has no second segment. */
  static String clientId(Request request) {
    List<String> path = request.getOptions().getUriPath();
    return path.size() == 2 ? path.get(1) : null;
  }
}
