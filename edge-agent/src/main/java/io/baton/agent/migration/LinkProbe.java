package io.baton.agent.migration;

import com.google.protobuf.ByteString;
import io.baton.agent.transfer.LinkEmulator;
import io.baton.protocol.grpc.PingRequest;
import io.baton.protocol.grpc.TransferGrpcClient;
import io.vertx.core.Future;

/**
 * Measures a link with pings over the transfer plane itself (so emulated links are measured as
 * they behave): the best of three empty pings is the RTT; a ping carrying {@link #PROBE_BYTES}
 * takes longer by about its transmission time, which gives the bandwidth.
 */
final class LinkProbe {
  static final int PROBE_BYTES = 64 * 1024;
  private static final ByteString PROBE = ByteString.copyFrom(new byte[PROBE_BYTES]);

  private final String fromSite;
  private final LinkEmulator emulator;

  LinkProbe(String fromSite, LinkEmulator emulator) {
    this.fromSite = fromSite;
    this.emulator = emulator;
  }

  Future<LinkEstimate> measure(String toSite, TransferGrpcClient target) {
    return ping(toSite, target, ByteString.EMPTY)
        .compose(first -> ping(toSite, target, ByteString.EMPTY).map(second -> Math.min(first, second)))
        .compose(best -> ping(toSite, target, ByteString.EMPTY).map(third -> Math.min(best, third)))
        .compose(rtt -> ping(toSite, target, PROBE).map(loaded -> {
          double transmitNanos = Math.max(loaded - rtt, 1_000);
          return new LinkEstimate(PROBE_BYTES / (transmitNanos / 1e9), rtt / 1e6);
        }));
  }

  private Future<Long> ping(String toSite, TransferGrpcClient target, ByteString payload) {
    long start = System.nanoTime();
    return emulator.deliver(toSite, payload.size() + 32)
        .compose(v -> target.ping(PingRequest.newBuilder().setFromSite(fromSite).setPayload(payload).build()))
        .map(reply -> System.nanoTime() - start);
  }
}
