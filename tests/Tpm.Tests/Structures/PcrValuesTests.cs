using System.Security.Cryptography;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Structures;

/// <summary>PCR values pair an agent's digests with a selection; the verifier builds one per quote.</summary>
public sealed class PcrValuesTests
{
    private static readonly PcrSelection Selection = PcrSelection.ParseText("sha256:0,7,16+sha1:3");

    private static byte[] Digest(TpmAlgorithm bank, int pcr) => Enumerable.Repeat((byte)(pcr + (bank == TpmAlgorithm.Sha1 ? 100 : 0)), TpmHash.DigestSize(bank)).ToArray();

    private static PcrValues Values(PcrSelection selection) =>
        PcrValues.FromDigests(selection, selection.InDigestOrder().Select(p => Digest(p.Hash, p.Pcr)).ToList());

    [Fact]
    public void Digests_pair_with_the_selection_in_digest_order_and_are_copied()
    {
        var digests = Selection.InDigestOrder().Select(p => Digest(p.Hash, p.Pcr)).ToList();
        var values = PcrValues.FromDigests(Selection, digests);
        digests[0][0] ^= 0xff;

        Assert.Equal(4, values.Count);
        Assert.Equal([TpmAlgorithm.Sha256, TpmAlgorithm.Sha1], values.Banks);
        Assert.Equal(Digest(TpmAlgorithm.Sha256, 0), values[TpmAlgorithm.Sha256, 0]);
        Assert.Equal(Digest(TpmAlgorithm.Sha1, 3), values[TpmAlgorithm.Sha1, 3]);
        Assert.False(values.TryGet(TpmAlgorithm.Sha256, 3, out _));
        Assert.False(values.TryGet(TpmAlgorithm.Sha384, 0, out _));
        Assert.Equal(Selection, values.Selection);
        Assert.True(values.CoversExactly(Selection, out var problem), problem);
    }

    [Fact]
    public void A_digest_count_that_does_not_match_the_selection_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => PcrValues.FromDigests(Selection, [new byte[32]]));
        Assert.Contains("1 digests were given for a selection of 4 PCRs", error.Message);
        Assert.Throws<ArgumentException>(() => PcrValues.FromDigests(Selection, [new byte[32], null!, new byte[32], new byte[20]]));
    }

    [Fact]
    public void A_selection_read_off_the_wire_that_repeats_a_bank_merges_it_and_the_later_value_wins()
    {
        var repeated = new PcrSelection([new PcrBankSelection(TpmAlgorithm.Sha256, [1, 2]), new PcrBankSelection(TpmAlgorithm.Sha256, [2, 0])]);
        var values = PcrValues.FromDigests(repeated, [[1], [2], [22], [0]]);

        Assert.Equal(3, values.Count);
        Assert.Equal([TpmAlgorithm.Sha256], values.Banks);
        Assert.Equal(new byte[] { 22 }, values[TpmAlgorithm.Sha256, 2]);
        Assert.Equal("sha256:0,1,2", values.Selection.ToString());
    }

    [Fact]
    public void Coverage_names_a_missing_value_an_extra_value_and_a_digest_of_the_wrong_size()
    {
        var values = Values(Selection);

        Assert.False(values.Without(TpmAlgorithm.Sha256, 7).CoversExactly(Selection, out var missing));
        Assert.Equal("no value was supplied for quoted PCR sha256:7", missing);
        Assert.False(values.With(TpmAlgorithm.Sha256, 8, new byte[32]).CoversExactly(Selection, out var extra));
        Assert.Equal("a value was supplied for PCR sha256:8, which the quote does not cover", extra);
        Assert.False(values.With(TpmAlgorithm.Sha1, 3, new byte[32]).CoversExactly(Selection, out var size));
        Assert.Contains("PCR sha1:3 is 32 bytes, not the 20 of a sha1 digest", size);
    }

    [Fact]
    public void With_and_Without_leave_the_original_unchanged()
    {
        var values = Values(Selection);
        var changed = values.With(TpmAlgorithm.Sha384, 1, new byte[48]).Without(TpmAlgorithm.Sha1, 3);

        Assert.Equal(4, values.Count);
        Assert.True(values.TryGet(TpmAlgorithm.Sha1, 3, out _));
        Assert.Equal([TpmAlgorithm.Sha256, TpmAlgorithm.Sha384], changed.Banks);
        Assert.Equal("sha256:0,7,16+sha384:1", changed.Selection.ToString());
    }

    [Fact]
    public void The_digest_is_the_hash_of_the_values_concatenated_in_selection_order()
    {
        var values = Values(Selection);
        var concatenated = Selection.InDigestOrder().SelectMany(p => Digest(p.Hash, p.Pcr)).ToArray();

        Assert.Equal(concatenated, values.Concatenated(Selection));
        Assert.Equal(SHA256.HashData(concatenated), values.ComputeDigest(Selection, TpmAlgorithm.Sha256));
        Assert.Equal(SHA384.HashData(concatenated), values.ComputeDigest(Selection, TpmAlgorithm.Sha384));
        // Another bank order digests in that order.
        var reordered = PcrSelection.ParseText("sha1:3+sha256:0,7,16");
        var reorderedBytes = reordered.InDigestOrder().SelectMany(p => Digest(p.Hash, p.Pcr)).ToArray();
        Assert.Equal(SHA256.HashData(reorderedBytes), values.ComputeDigest(reordered, TpmAlgorithm.Sha256));
        Assert.Throws<KeyNotFoundException>(() => values.ComputeDigest(PcrSelection.Single(TpmAlgorithm.Sha256, 1), TpmAlgorithm.Sha256));
    }
}
