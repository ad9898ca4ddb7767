namespace OrleansAttest.Gateway.Agents;

/// <summary>Stable reason codes of the gateway's own refusals (the grain's codes pass through unchanged).</summary>
public static class GatewayReasons
{
    public const string HandshakeTimeout = "handshake-timeout";
    public const string MessageTooLarge = "message-too-large";
    public const string MalformedMessage = "malformed-message";
    public const string UnexpectedMessage = "unexpected-message";
    public const string ProtocolVersionUnsupported = "protocol-version-unsupported";
    public const string InvalidNodeName = "invalid-node-name";
    public const string SessionMismatch = "session-mismatch";
    public const string NotActivated = "not-activated";
    public const string VerifierUnavailable = "verifier-unavailable";
    /// <summary>The client address (or the whole gateway) already holds its limit of open agent streams.</summary>
    public const string TooManyStreams = "too-many-streams";
    /// <summary>The gateway already has its limit of handshakes (Hello → activated) in flight; retry after a backoff.</summary>
    public const string GatewayBusy = "gateway-busy";
    /// <summary>This node name already has its limit of unproven handshakes on this gateway; retry once one ends.</summary>
    public const string NodeHandshakeBusy = "node-handshake-busy";
}
