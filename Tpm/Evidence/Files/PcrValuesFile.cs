using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence.Files;

/// <summary>
/// tpm2-tools' "values" PCR file (tpm2_quote / tpm2_pcrread <c>-F values</c>): the digests concatenated in selection
/// order with nothing else, so the selection must come from elsewhere.
/// </summary>
public static class PcrValuesFile
{
    private const string Structure = "tpm2-tools PCR values file";

    public static PcrValues Parse(ReadOnlySpan<byte> data, PcrSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        long expected = 0;
        foreach (var (hash, pcr) in selection.InDigestOrder())
        {
            int size = TpmHash.DigestSize(hash);
            if (size == 0)
                throw new TpmParseException(Structure, $"bank {TpmHash.Describe(hash)} of PCR {pcr} is not a known hash, so its digest size is unknown");
            expected += size;
        }
        if (data.Length != expected)
            throw new TpmParseException(Structure, $"{data.Length} bytes, but the selection {selection} needs exactly {expected}");
        var digests = new List<byte[]>(selection.Count);
        int at = 0;
        foreach (var (hash, _) in selection.InDigestOrder())
        {
            int size = TpmHash.DigestSize(hash);
            digests.Add(data.Slice(at, size).ToArray());
            at += size;
        }
        return PcrValues.FromDigests(selection, digests);
    }

    public static byte[] Write(PcrValues values, PcrSelection selection)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(selection);
        if (!values.CoversExactly(selection, out var problem))
            throw new InvalidOperationException($"the PCR values do not fit the selection: {problem}");
        return values.InOrder(selection).SelectMany(d => d).ToArray();
    }
}
