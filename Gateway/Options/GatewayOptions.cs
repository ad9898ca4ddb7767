namespace OrleansAttest.Gateway.Options;

/// <summary>The agent endpoint's limits and listener (configuration section <c>OrleansAttest:Gateway</c>).</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "OrleansAttest:Gateway";

    /// <summary>Whether the host serves the agent endpoint (the silo co-hosts it by default).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Open agent streams allowed from one client IP address; beyond it "too-many-streams". 0 = unlimited.</summary>
    public int MaxStreamsPerAddress { get; set; } = 1024;

    /// <summary>Open agent streams allowed on this gateway in total; beyond it "too-many-streams". 0 = unlimited.</summary>
    public int MaxStreams { get; set; } = 200_000;

    /// <summary>
    /// HTTP/2 streams one client connection may hold open (Kestrel's Http2.MaxStreamsPerConnection, default 100). Raise it
    /// when many agents share one connection (a multiplexing proxy, the fleet load generator): a client at the limit
    /// queues or opens another connection.
    /// </summary>
    public int MaxStreamsPerConnection { get; set; } = 100;

    /// <summary>
    /// Handshakes (Hello received → stream activated) in flight at once on this gateway; a Hello beyond it waits for a slot
    /// (at most half the handshake timeout, then "gateway-busy"), so an enrollment storm cannot flood the verifier. 0 = unlimited.
    /// </summary>
    public int MaxConcurrentHandshakes { get; set; } = 256;

    /// <summary>
    /// Unproven handshakes of one node name at once on this gateway (a Hello beyond it is refused "node-handshake-busy"),
    /// so one device's idle streams cannot hold the gateway's handshake slots. 0 = unlimited.
    /// </summary>
    public int MaxHandshakesPerNode { get; set; } = 2;

    /// <summary>
    /// Agent answers (quote responses, credential acknowledgements) relayed to the verifier at once by this gateway; an
    /// answer beyond it waits here (new Hellos wait for that backlog to clear), and one the verifier would no longer judge is dropped rather than relayed, so a stall
    /// cannot pile the whole fleet's answers into the verifier (<c>RelayLimiter</c>). 0 = unlimited.
    /// </summary>
    public int MaxConcurrentRelays { get; set; } = 1024;

    /// <summary>
    /// Upper bound of the retry-after hint a "gateway-busy" refusal carries (the queue's drain time, jittered; at least 1 s).
    /// Between 1 s and 1 hour (agents cap any hint at an hour).
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest agent message accepted, in bytes; larger ones are refused with "message-too-large".</summary>
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Hello and a valid activation proof must arrive within this time, else "handshake-timeout".</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages queued to one agent before more are dropped (the grain's response timeout covers a drop).</summary>
    public int OutboundQueueCapacity { get; set; } = 64;

    /// <summary>How long a closing stream waits to flush its last message (e.g. a refusal) to the agent.</summary>
    public TimeSpan CloseFlushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Address Kestrel listens on for agents ("0.0.0.0", "::", "127.0.0.1").</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>TCP port of the agent endpoint (HTTP/2 over TLS).</summary>
    public int Port { get; set; } = 7443;

    public GatewayTlsOptions Tls { get; set; } = new();
}
