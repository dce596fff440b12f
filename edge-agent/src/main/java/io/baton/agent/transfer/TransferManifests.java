package io.baton.agent.transfer;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.baton.protocol.grpc.SenderSignature;
import io.baton.protocol.security.MemberCredentials;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The one manifest format of the transfer plane, for every request that changes what runs at the
 * target (a paged-memory execution state to restore, a checkpoint, a writable-layer tree, an
 * image archive to load): the request itself, every field but its {@code signature}, plus the
 * sending and receiving sites. Chunks need no manifest: they are named by their content, and the
 * manifest names them. Requests without a {@code signature} field (queries, chunk transfers,
 * prepare, discard) carry none.
 */
public final class TransferManifests {
  private static final String VERSION = "baton-transfer-manifest-v1";
  private static final String SIGNATURE_FIELD = "signature";

  private TransferManifests() {
  }

  public static boolean carriesManifest(Message request) {
    return signatureField(request) != null;
  }

  /** The request as {@code sourceSite} sends it to {@code targetSite}, signed with the sender's member key. */
  @SuppressWarnings("unchecked")
  public static <M extends Message> M sign(M request, MemberCredentials signer, String sourceSite, String targetSite) {
    Message unsigned = unsigned(request);
    ManifestSignatures.Signed signed = ManifestSignatures.sign(signer,
        canonicalBytes(unsigned, sourceSite, targetSite));
    SenderSignature signature = SenderSignature.newBuilder().setSourceSite(sourceSite)
        .setSignature(signed.signature()).setCertificate(signed.certificate()).build();
    return (M) unsigned.toBuilder().setField(signatureField(request), signature).build();
  }

  /**
   * Throws {@link SecurityException} with the reason unless the request was signed, for this
   * target site, by a member of the cluster whose certificate names the site it claims to send from.
   */
  public static void verify(Message request, List<X509Certificate> clusterAnchors, String targetSite) {
    SenderSignature signature = (SenderSignature) request.getField(signatureField(request));
    if (signature.getSourceSite().isEmpty()) {
      throw new SecurityException("the " + kind(request) + " request is not signed");
    }
    ManifestSignatures.verify(clusterAnchors, signature.getSourceSite(),
        canonicalBytes(unsigned(request), signature.getSourceSite(), targetSite), signature.getSignature(),
        signature.getCertificate());
  }

  /** The request without its signature: what the manifest covers, and what digests of it are taken over. */
  public static Message unsigned(Message request) {
    return request.toBuilder().clearField(signatureField(request)).build();
  }

  private static byte[] canonicalBytes(Message unsigned, String sourceSite, String targetSite) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(VERSION);
      out.writeUTF(kind(unsigned));
      out.writeUTF(sourceSite);
      out.writeUTF(targetSite);
      // Deterministic: the same request always serializes to the same bytes on both sides.
      CodedOutputStream body = CodedOutputStream.newInstance(out);
      body.useDeterministicSerialization();
      unsigned.writeTo(body);
      body.flush();
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
    return bytes.toByteArray();
  }

  private static String kind(Message request) {
    return request.getDescriptorForType().getFullName();
  }

  private static FieldDescriptor signatureField(Message request) {
    return request.getDescriptorForType().findFieldByName(SIGNATURE_FIELD);
  }
}
