namespace OrleansAttest.Gateway.Agents;

/// <summary>What <see cref="HandshakeLimiter.EnterAsync"/> decided for one Hello.</summary>
public enum HandshakeAdmission
{
    /// <summary>A slot is taken: the caller must <see cref="HandshakeLimiter.Exit"/> exactly once.</summary>
    Admitted,
    /// <summary>No handshake slot freed within the wait (MaxConcurrentHandshakes).</summary>
    NoSlot,
    /// <summary>A slot was free, but answers of proven streams kept waiting for relay slots: the verifier is behind, and they go first.</summary>
    VerifierBehind,
}
