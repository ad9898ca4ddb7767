using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>One entry of the Spec ID event's table: a bank's algorithm and the size of its digests in the log.</summary>
public sealed record SpecIdAlgorithm(TpmAlgorithm Algorithm, int DigestSize)
{
    public override string ToString() => $"{TpmHash.Describe(Algorithm)}({DigestSize})";
}
