package io.baton.agent.transfer;

import io.baton.agent.handoff.HandoffLedger;
import io.baton.agent.runtime.Snapshot;
import io.baton.protocol.grpc.PingReply;
import io.baton.protocol.grpc.PingRequest;
import io.baton.protocol.grpc.PushReceipt;
import io.baton.protocol.grpc.StateChunk;
import io.baton.protocol.grpc.StateTransferGrpcService;
import io.baton.protocol.grpc.TransferHeader;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.streams.ReadStream;
import java.io.ByteArrayOutputStream;

/**
 * The target's end of a state transfer. It accepts a stream only for a handoff this site has
 * prepared, checks that chunks arrive in order and add up to the announced size, and keeps the
 * snapshot only if its sha-256 matches the sender's: a truncated or altered snapshot never reaches
 * the runtime.
 */
public final class StateReceiver extends StateTransferGrpcService {
  static final long MAX_SNAPSHOT_BYTES = 512L * 1024 * 1024;

  private final String siteId;
  private final HandoffLedger ledger;

  public StateReceiver(String siteId, HandoffLedger ledger) {
    this.siteId = siteId;
    this.ledger = ledger;
  }

  @Override
  public Future<PingReply> ping(PingRequest request) {
    return Future.succeededFuture(PingReply.newBuilder().setSite(siteId).setPayload(request.getPayload()).build());
  }

  @Override
  public Future<PushReceipt> push(ReadStream<StateChunk> chunks) {
    Promise<PushReceipt> receipt = Promise.promise();
    Assembly assembly = new Assembly();
    chunks.handler(chunk -> {
      try {
        assembly.accept(chunk);
      } catch (IllegalStateException e) {
        receipt.tryFail(e);
      }
    });
    chunks.exceptionHandler(receipt::tryFail);
    chunks.endHandler(v -> {
      if (receipt.future().isComplete()) {
        return;
      }
      try {
        Snapshot snapshot = assembly.finish();
        ledger.received(assembly.header.getHandoffId(), snapshot);
        receipt.complete(PushReceipt.newBuilder()
            .setHandoffId(assembly.header.getHandoffId())
            .setBytesReceived(snapshot.bytes().length)
            .setSha256(snapshot.sha256())
            .build());
      } catch (IllegalStateException e) {
        receipt.fail(e);
      }
    });
    return receipt.future();
  }

  /** The chunks of one transfer, checked as they arrive. */
  private final class Assembly {
    private TransferHeader header;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private String expectedSha256 = "";

    void accept(StateChunk chunk) {
      if (header == null) {
        if (!chunk.hasHeader()) {
          throw new IllegalStateException("first chunk carries no header");
        }
        header = chunk.getHeader();
        if (ledger.preparedFor(header.getHandoffId()).isEmpty()) {
          throw new IllegalStateException("no handoff " + header.getHandoffId() + " is prepared at this site");
        }
        if (header.getTotalSize() < 0 || header.getTotalSize() > MAX_SNAPSHOT_BYTES) {
          throw new IllegalStateException("snapshot size " + header.getTotalSize() + " out of range");
        }
      }
      if (chunk.getOffset() != bytes.size()) {
        throw new IllegalStateException("chunk at offset " + chunk.getOffset() + ", expected " + bytes.size());
      }
      if (bytes.size() + chunk.getData().size() > header.getTotalSize()) {
        throw new IllegalStateException("chunks exceed the announced size of " + header.getTotalSize() + " bytes");
      }
      bytes.writeBytes(chunk.getData().toByteArray());
      if (!chunk.getSha256().isEmpty()) {
        expectedSha256 = chunk.getSha256();
      }
    }

    Snapshot finish() {
      if (header == null) {
        throw new IllegalStateException("empty transfer");
      }
      if (bytes.size() != header.getTotalSize()) {
        throw new IllegalStateException("truncated snapshot: " + bytes.size() + " of " + header.getTotalSize() + " bytes arrived");
      }
      Snapshot snapshot = new Snapshot(bytes.toByteArray());
      if (!snapshot.sha256().equals(expectedSha256)) {
        throw new IllegalStateException("snapshot digest mismatch: got " + snapshot.sha256() + ", sender said " + expectedSha256);
      }
      return snapshot;
    }
  }
}
