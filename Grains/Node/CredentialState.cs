namespace OrleansAttest.Grains.Node;

/// <summary>
/// A node's credential delivery, persisted before the delivery is sent (a few dozen bytes: never the key or the files).
/// <see cref="Generation"/> and the times describe the latest delivery; <see cref="EnrolledUntil"/> is the expiry of the
/// newest acknowledged one and survives a renewal in flight. Cleared on Failed, Revoked, Deleted, reset or activation of another AK.
/// </summary>
[GenerateSerializer, Alias("OrleansAttest.CredentialState")]
public sealed class CredentialState
{
    [Id(0)] public long Generation { get; set; }
    [Id(1)] public DateTimeOffset IssuedAt { get; set; }
    [Id(2)] public DateTimeOffset ExpiresAt { get; set; }
    [Id(3)] public DateTimeOffset DeliveredAt { get; set; }
    /// <summary>When the agent acknowledged this generation as stored; null while it is awaited or after it failed.</summary>
    [Id(4)] public DateTimeOffset? AcknowledgedAt { get; set; }
    /// <summary>The agent reported it could not store this generation: deliver a fresh one at the next pass.</summary>
    [Id(5)] public bool StoreFailed { get; set; }
    [Id(6)] public DateTimeOffset? EnrolledUntil { get; set; }
    /// <summary>SHA-256 of the AK public area the delivery was sealed to: a reconnect that proves the same AK keeps the credentials.</summary>
    [Id(7)] public byte[] AkPublicSha256 { get; set; } = [];
}
