using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>One extension an <see cref="EventLogBuilder"/> log records: what a real TPM must be extended with to match it.</summary>
public sealed record BuiltMeasurement(int PcrIndex, EventType Type, IReadOnlyDictionary<TpmAlgorithm, byte[]> Digests)
{
    /// <summary>The tpm2_pcrextend argument for this measurement, e.g. "16:sha1=ab…,sha256=cd…".</summary>
    public string ToPcrExtendArgument() =>
        $"{PcrIndex}:" + string.Join(",", Digests.Select(d => $"{TpmHash.Describe(d.Key)}={Convert.ToHexStringLower(d.Value)}"));
}
