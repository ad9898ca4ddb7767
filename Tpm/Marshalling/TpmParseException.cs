namespace OrleansAttest.Tpm.Marshalling;

/// <summary>
/// Outside bytes (a TPM response, evidence from an agent, a file) did not form the structure we expected.
/// Every parser of outside bytes throws this and nothing else, so callers can fail closed on one type.
/// </summary>
public sealed class TpmParseException(string structure, string problem, int offset = -1, Exception? inner = null)
    : FormatException(offset >= 0 ? $"{structure}: {problem} (at byte {offset})" : $"{structure}: {problem}", inner)
{
    /// <summary>The structure being parsed, e.g. "TPMS_ATTEST" or "TCG_PCR_EVENT2".</summary>
    public string Structure { get; } = structure;

    /// <summary>What was wrong, without the structure name.</summary>
    public string Problem { get; } = problem;

    /// <summary>Byte offset in the input where the problem was found, or -1 when not applicable.</summary>
    public int Offset { get; } = offset;
}
