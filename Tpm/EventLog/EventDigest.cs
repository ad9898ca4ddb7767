using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>One digest of an event (TCG_DIGEST2 / TPMT_HA): the value extended into the PCR of this bank.</summary>
public sealed record EventDigest(TpmAlgorithm Algorithm, byte[] Value)
{
    public string Hex => Convert.ToHexStringLower(Value);

    public bool Equals(EventDigest? other) => other is not null && Algorithm == other.Algorithm && Value.AsSpan().SequenceEqual(other.Value);

    public override int GetHashCode() => HashCode.Combine(Algorithm, Value.Length > 0 ? Value[0] : 0, Value.Length);

    public override string ToString() => $"{TpmHash.Describe(Algorithm)}:{Hex}";
}
