namespace OrleansAttest.Grains.Interfaces;

/// <summary>
/// The agent's answer to a <see cref="QuoteRequest"/>: raw TPMS_ATTEST and TPMT_SIGNATURE, the PCR values it
/// claims (selection text plus digests in selection order), and the event log bytes from the requested offset.
/// <see cref="ReceivedAt"/> is when the verifier's edge (the gateway) read it off the agent's stream; without it (a
/// caller with no edge) the grain's own clock at arrival is the receipt time.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.QuoteResponse")]
public sealed record QuoteResponse(
    [property: Id(0)] Guid RequestId,
    [property: Id(1)] byte[] Message,
    [property: Id(2)] byte[] Signature,
    [property: Id(3)] string PcrSelection,
    [property: Id(4)] byte[][] PcrDigests,
    [property: Id(5)] long EventLogOffset,
    [property: Id(6)] byte[]? EventLog,
    [property: Id(7)] DateTimeOffset? ReceivedAt = null);
