package io.baton.agent.coap;

import io.baton.protocol.Ids;
import io.baton.protocol.security.MemberCredentials;
import java.net.InetSocketAddress;
import javax.crypto.SecretKey;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.ServerNames;

/**
 * The agent's side of DTLS-PSK: the identity is the client id and the key is derived from the
 * mesh secret on the spot, so every site knows every client's key without a table. An identity
 * that is not a valid client id gets no key, and the handshake fails.
 */
final class DerivedPskStore implements AdvancedPskStore {
  private final MemberCredentials member;

  DerivedPskStore(MemberCredentials member) {
    this.member = member;
  }

  @Override
  public boolean hasEcdhePskSupported() {
    return true;
  }

  @Override
  public PskSecretResult requestPskSecretResult(ConnectionId cid, ServerNames serverName, PskPublicInformation identity,
      String hmacAlgorithm, SecretKey otherSecret, byte[] seed, boolean useExtendedMasterSecret) {
    String clientId = identity.getPublicInfoAsString();
    if (!Ids.isValid(clientId)) {
      return new PskSecretResult(cid, identity, null);
    }
    return new PskSecretResult(cid, identity, SecretUtil.create(member.secretsOf(clientId).psk(), PskSecretResult.ALGORITHM_PSK));
  }

  @Override
  public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
    return null; // a server never starts a PSK handshake
  }

  @Override
  public void setResultHandler(HandshakeResultHandler resultHandler) {
    // answers synchronously
  }
}
