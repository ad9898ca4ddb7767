using OrleansAttest.Tpm.Device.Pcr;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device;

public sealed partial class TpmClient
{
    /// <summary>How often a read starts over because a PCR was extended between two PCR_Read calls.</summary>
    private const int MaxPcrReadRestarts = 4;

    /// <summary>
    /// Reads every selected PCR. The TPM answers at most 8 per PCR_Read, so this asks again for what is still missing
    /// until all are read; if the pcrUpdateCounter moves in between, the values would not belong together and the
    /// read starts over.
    /// </summary>
    public async Task<PcrReadResult> ReadPcrsAsync(PcrSelection selection, CancellationToken cancellationToken = default)
    {
        if (selection.Count == 0)
            throw new ArgumentException("the PCR selection is empty", nameof(selection));
        for (int restart = 0; restart <= MaxPcrReadRestarts; restart++)
        {
            var values = new Dictionary<(TpmAlgorithm, int), byte[]>();
            var missing = selection.InDigestOrder().Distinct().ToList();
            uint? counter = null;
            bool changed = false;
            while (missing.Count > 0)
            {
                var request = ToSelection(missing);
                var answer = PcrCommands.ParsePcrRead(await ExecuteAsync(PcrCommands.PcrRead(request), cancellationToken));
                if (counter is not null && answer.UpdateCounter != counter)
                {
                    changed = true;
                    break;
                }
                counter = answer.UpdateCounter;
                var returned = answer.Selection.InDigestOrder().ToList();
                if (returned.Count == 0)
                    throw new InvalidOperationException($"the TPM returned none of the requested PCRs {request}: the bank is not allocated or the PCRs do not exist");
                for (int i = 0; i < returned.Count; i++)
                {
                    if (!missing.Remove(returned[i]))
                        throw new TpmParseException("TPM2_PCR_Read response", $"PCR {TpmHash.Describe(returned[i].Hash)}:{returned[i].Pcr} was not requested (request was {request})");
                    values[returned[i]] = answer.Digests[i];
                }
            }
            if (changed)
                continue;
            var ordered = selection.InDigestOrder().Select(p => values[p]).ToList();
            return new PcrReadResult(counter ?? 0, selection, PcrValues.FromDigests(selection, ordered));
        }
        throw new InvalidOperationException($"PCRs kept changing while being read ({MaxPcrReadRestarts + 1} attempts); no consistent set of values");
    }

    /// <summary>Extends <paramref name="pcr"/> with one digest per bank (TPM: new = H(old ‖ digest) in each bank named).</summary>
    public async Task ExtendPcrAsync(int pcr, IReadOnlyList<(TpmAlgorithm Bank, byte[] Digest)> digests, CancellationToken cancellationToken = default)
    {
        if (pcr is < 0 or > 31)
            throw new ArgumentOutOfRangeException(nameof(pcr), pcr, "PCR index must be 0 to 31");
        if (digests.Count == 0)
            throw new ArgumentException("at least one bank's digest is needed", nameof(digests));
        PcrCommands.ParsePcrExtend(await ExecuteAsync(PcrCommands.PcrExtend(pcr, digests), cancellationToken));
    }

    private static PcrSelection ToSelection(IEnumerable<(TpmAlgorithm Hash, int Pcr)> pcrs) =>
        new(pcrs.GroupBy(p => p.Hash).Select(g => new PcrBankSelection(g.Key, g.Select(p => p.Pcr).Order().ToList())).ToList());
}
