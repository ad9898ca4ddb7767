using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Device.Sessions;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Pcr;

/// <summary>TPM2_PCR_Read (Part 3, 22.4) and TPM2_PCR_Extend (22.2).</summary>
public static class PcrCommands
{
    /// <summary>TPML_DIGEST holds at most 8 digests: the reason PCR_Read answers at most 8 PCRs per call.</summary>
    public const int MaxDigestsPerRead = 8;

    public static TpmCommand PcrRead(PcrSelection selection)
    {
        var command = new TpmCommand(TpmCommandCode.PcrRead);
        selection.WriteTo(command.Parameters);
        return command;
    }

    public static PcrReadResponse ParsePcrRead(TpmResponse response)
    {
        response.EnsureSuccess();
        var reader = response.ParameterReader();
        uint counter = reader.ReadUInt32("pcrUpdateCounter");
        var selection = PcrSelection.Read(ref reader);
        int at = reader.Position;
        int count = reader.ReadCount("pcrValues.count", MaxDigestsPerRead, minElementSize: 2);
        if (count != selection.Count)
            throw new TpmParseException(reader.Structure, $"{count} digests for the {selection.Count} PCRs in pcrSelectionOut", at);
        var digests = new List<byte[]>(count);
        int i = 0;
        foreach (var (bank, pcr) in selection.InDigestOrder())
        {
            at = reader.Position;
            var digest = reader.ReadSized($"pcrValues[{i++}]", TpmPublic.MaxDigestBytes).ToArray();
            if (digest.Length != TpmHash.DigestSize(bank))
                throw new TpmParseException(reader.Structure, $"PCR {TpmHash.Describe(bank)}:{pcr} has a {digest.Length}-byte value, not {TpmHash.DigestSize(bank)}", at);
            digests.Add(digest);
        }
        reader.ExpectEnd();
        return new PcrReadResponse(counter, selection, digests);
    }

    /// <summary>Extends <paramref name="pcr"/> in every bank named in <paramref name="digests"/> (TPML_DIGEST_VALUES).</summary>
    public static TpmCommand PcrExtend(int pcr, IReadOnlyList<(TpmAlgorithm Bank, byte[] Digest)> digests, TpmAuthorization? authorization = null)
    {
        var command = new TpmCommand(TpmCommandCode.PcrExtend).Handle((uint)pcr).Authorize(authorization ?? TpmAuthorization.Password());
        command.Parameters.WriteUInt32((uint)digests.Count);
        foreach (var (bank, digest) in digests)
        {
            if (digest.Length != TpmHash.DigestSize(bank))
                throw new ArgumentException($"a {TpmHash.Describe(bank)} digest has {TpmHash.DigestSize(bank)} bytes, not {digest.Length}", nameof(digests));
            command.Parameters.WriteUInt16((ushort)bank).WriteBytes(digest);
        }
        return command;
    }

    public static void ParsePcrExtend(TpmResponse response)
    {
        response.EnsureSuccess();
        var reader = response.ParameterReader();
        reader.ExpectEnd();
    }
}
