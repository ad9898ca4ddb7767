namespace OrleansAttest.Grains.Node;

/// <summary>
/// The one quote request a node is waiting for. Kept in memory only: a nonce means something only to the
/// activation that issued it, and a reactivated node issues a fresh request at once, so nothing is lost and a
/// late answer to a forgotten request is refused as unknown (without a verdict) instead of costing a state write per poll.
/// <see cref="PolicyVersion"/> is the version of the policy the request was issued under: an answer is judged only
/// against that version. <see cref="EventLogOffset"/> is the byte of the event log the request asked the agent to send from.
/// </summary>
public sealed record OutstandingRequest(
    Guid RequestId,
    byte[] Nonce,
    string PcrSelection,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    long PolicyVersion,
    long EventLogOffset = 0);
