package io.baton.cluster;

import com.hazelcast.config.KubernetesConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a member finds the others in Kubernetes: Hazelcast 5.3's built-in Kubernetes discovery
 * (package {@code com.hazelcast.kubernetes}, in the open-source jar) reads the endpoints of one
 * headless Service through the Kubernetes API. Hazelcast 5.3 asks for EndpointSlices first ({@code
 * GET /apis/discovery.k8s.io/v1/namespaces/NS/endpointslices}; if that list is answered it then
 * reads {@code ...?labelSelector=kubernetes.io/service-name=SERVICE}) and falls back to the
 * Endpoints API ({@code GET /api/v1/namespaces/NS/endpoints/SERVICE}) otherwise. It also reads its
 * own pod ({@code GET /api/v1/namespaces/NS/pods/POD_NAME}) for partition-group metadata; that
 * failing is logged and harmless.
 *
 * @param serviceName   the headless Service whose endpoints are the members (Hazelcast's {@code service-name})
 * @param namespace     its namespace; null: Hazelcast's fallbacks ({@code KUBERNETES_NAMESPACE}, then the service
 *                      account's namespace file)
 * @param master        the API server's URL; null: {@code https://kubernetes.default.svc}
 * @param apiToken      bearer token; null: the pod's service account token, re-read at every call
 * @param caCertificate the API server's CA, PEM text; null: the pod's service account {@code ca.crt}
 */
public record KubernetesDiscovery(String serviceName, String namespace, String master, String apiToken,
    String caCertificate) {

  public KubernetesDiscovery {
    Objects.requireNonNull(serviceName, "serviceName");
    if (serviceName.isBlank()) {
      throw new IllegalArgumentException("the Kubernetes service name is empty");
    }
  }

  /** In a pod: the service account's token and CA, the in-cluster API server. */
  public static KubernetesDiscovery inCluster(String serviceName, String namespace) {
    return new KubernetesDiscovery(serviceName, namespace, null, null, null);
  }

  /** The properties of Hazelcast's {@code join.kubernetes} this discovery sets (names as Hazelcast 5.3 documents them). */
  public Map<String, String> properties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("service-name", serviceName);
    if (namespace != null) {
      properties.put("namespace", namespace);
    }
    // A Baton member is ready only once it joined (deploy's ops.MemberHealth), so discovery must not
    // wait for readiness: members starting together would each see no ready peer and form clusters
    // of one. The headless Service publishes not-ready addresses for the same reason.
    properties.put("resolve-not-ready-addresses", "true");
    // Members talk to each other inside the cluster; do not look up load balancers or node IPs
    // (that would need get on services and nodes, which the Role does not grant).
    properties.put("expose-externally", "false");
    if (master != null) {
      properties.put("kubernetes-master", master);
      if (caCertificate == null && master.startsWith("http://")) {
        // Plain HTTP uses no CA, but without a value Hazelcast reads the service account's ca.crt
        // when it starts discovery, and fails where there is none (outside a pod).
        properties.put("ca-certificate", "");
      }
    }
    if (apiToken != null) {
      properties.put("api-token", apiToken);
    }
    if (caCertificate != null) {
      properties.put("ca-certificate", caCertificate);
    }
    return properties;
  }

  void apply(KubernetesConfig kubernetes) {
    kubernetes.setEnabled(true);
    properties().forEach(kubernetes::setProperty);
  }

  @Override
  public String toString() {
    // never print the token
    return "kubernetes service " + serviceName + (namespace == null ? "" : " in namespace " + namespace)
        + (master == null ? "" : " via " + master);
  }
}
