namespace OrleansAttest.Grains.Interfaces;

/// <summary>
/// A challenge to quote (DESIGN.md step 5): a fresh 32-byte nonce, the PCRs to quote ("sha256:0,1,7"), and from
/// which byte offset of its event log the agent should send (0 after a reboot or on the first quote).
/// The answer must reach the gateway by <see cref="ExpiresAt"/>; the verifier judges such an answer until
/// <see cref="JudgedUntil"/> (null: only until ExpiresAt), so a gateway drops one still waiting to be relayed after it.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.QuoteRequest")]
public sealed record QuoteRequest(
    [property: Id(0)] Guid RequestId,
    [property: Id(1)] byte[] Nonce,
    [property: Id(2)] string PcrSelection,
    [property: Id(3)] long EventLogOffset,
    [property: Id(4)] DateTimeOffset ExpiresAt,
    [property: Id(5)] DateTimeOffset? JudgedUntil = null);
