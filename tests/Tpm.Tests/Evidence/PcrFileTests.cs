using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Evidence.Files;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Evidence;

public sealed class PcrFileTests
{
    [Theory]
    [InlineData("rsa")]
    [InlineData("ecc")]
    [InlineData("pss")]
    public void Vector_serialized_file_holds_the_same_values_as_the_values_file_and_writes_back_identically(string k)
    {
        var serialized = SharedVectors.ReadBytes($"quote_{k}.pcrs");
        var file = TpmToolsPcrFile.Parse(serialized);
        Assert.Equal(EvidenceTestData.VectorSelection, file.Selection);

        var plain = PcrValuesFile.Parse(SharedVectors.ReadBytes($"quote_{k}.pcrs.values"), file.Selection);
        Assert.Equal(plain.InOrder(file.Selection), file.Values.InOrder(file.Selection));
        Assert.Equal(Convert.FromHexString("57FEA962FD3B558C507214F3B54503DB13923D29902CE7AAE369EA52F1645F0F"), file.Values[TpmAlgorithm.Sha256, 7]);
        Assert.Equal(new byte[32], file.Values[TpmAlgorithm.Sha256, 0]);

        Assert.Equal(serialized, file.ToBytes());
        Assert.Equal(SharedVectors.ReadBytes($"quote_{k}.pcrs.values"), PcrValuesFile.Write(plain, file.Selection));
    }

    [Fact]
    public void Pcrread_values_file_matches_the_quote_values()
    {
        var read = PcrValuesFile.Parse(SharedVectors.ReadBytes("pcrs_read.values"), EvidenceTestData.VectorSelection);
        var quoted = TpmToolsPcrFile.Parse(SharedVectors.ReadBytes("quote_rsa.pcrs")).Values;
        Assert.Equal(read.InOrder(EvidenceTestData.VectorSelection), quoted.InOrder(EvidenceTestData.VectorSelection));
    }

    [Fact]
    public void Layout_is_the_little_endian_struct_dump_of_tpm2_tools()
    {
        // 9 sha1 PCRs + 6 sha256 PCRs = 15 digests: two TPML_DIGEST lists of 8 and 7, spanning the bank boundary.
        var selection = PcrSelection.ParseText("sha1:0,1,2,3,4,5,6,7,16+sha256:0,1,2,3,7,16");
        var values = EvidenceTestData.SyntheticValues(selection);
        var bytes = new TpmToolsPcrFile(selection, values).ToBytes();

        Assert.Equal(TpmToolsPcrFile.SelectionSize + 4 + 2 * TpmToolsPcrFile.DigestListSize, bytes.Length);
        Assert.Equal<byte>([2, 0, 0, 0], bytes[..4]);                     // count, little-endian
        Assert.Equal<byte>([0x04, 0x00, 3, 0xFF, 0x00, 0x01, 0x00, 0x00], bytes[4..12]);  // sha1, 3 select bytes, 0-7 and 16, pad
        Assert.Equal<byte>([0x0B, 0x00, 3, 0x8F, 0x00, 0x01, 0x00, 0x00], bytes[12..20]); // sha256: 0,1,2,3,7 and 16
        Assert.Equal<byte>([2, 0, 0, 0], bytes[132..136]);                // two digest lists
        Assert.Equal<byte>([8, 0, 0, 0], bytes[136..140]);
        Assert.Equal<byte>([20, 0], bytes[140..142]);                     // first sha1 digest is 20 bytes
        int second = 136 + TpmToolsPcrFile.DigestListSize;
        Assert.Equal<byte>([7, 0, 0, 0], bytes[second..(second + 4)]);
        Assert.Equal<byte>([20, 0], bytes[(second + 4)..(second + 6)]);    // sha1:16 opens the second list
        Assert.Equal<byte>([32, 0], bytes[(second + 4 + 66)..(second + 6 + 66)]); // then sha256:0

        var parsed = TpmToolsPcrFile.Parse(bytes);
        Assert.Equal(selection, parsed.Selection);
        Assert.Equal(values.InOrder(selection), parsed.Values.InOrder(selection));
    }

    [Fact]
    public void Values_file_round_trips_a_multi_bank_selection()
    {
        var selection = PcrSelection.ParseText("sha256:0,7+sha384:1+sha1:23");
        var values = EvidenceTestData.SyntheticValues(selection);
        var bytes = PcrValuesFile.Write(values, selection);
        Assert.Equal(32 + 32 + 48 + 20, bytes.Length);
        Assert.Equal(values.InOrder(selection), PcrValuesFile.Parse(bytes, selection).InOrder(selection));
        Assert.Contains("needs exactly", Assert.Throws<TpmParseException>(() => PcrValuesFile.Parse(bytes[..^1], selection)).Message);
    }

    [Fact]
    public void Inconsistent_serialized_files_are_refused_with_the_problem_named()
    {
        var selection = PcrSelection.ParseText("sha256:0,7,16");
        var good = new TpmToolsPcrFile(selection, EvidenceTestData.SyntheticValues(selection)).ToBytes();

        var moreDigests = (byte[])good.Clone();
        moreDigests[136] = 4; // list claims 4 digests for a 3-PCR selection
        Assert.Contains("more digests", Assert.Throws<TpmParseException>(() => TpmToolsPcrFile.Parse(moreDigests)).Message);

        var wrongSize = (byte[])good.Clone();
        wrongSize[140] = 20; // a sha256 PCR with a 20-byte digest
        Assert.Contains("needs 32", Assert.Throws<TpmParseException>(() => TpmToolsPcrFile.Parse(wrongSize)).Message);

        var fewer = (byte[])good.Clone();
        fewer[136] = 2;
        Assert.Contains("2 digests for the 3 PCRs", Assert.Throws<TpmParseException>(() => TpmToolsPcrFile.Parse(fewer)).Message);

        var badHash = (byte[])good.Clone();
        badHash[4] = 0x01; // bank hash = TPM_ALG_RSA
        Assert.Contains("not a hash", Assert.Throws<TpmParseException>(() => TpmToolsPcrFile.Parse(badHash)).Message);

        Assert.Contains("digest lists make", Assert.Throws<TpmParseException>(() => TpmToolsPcrFile.Parse(good[..^1])).Message);
    }

    [Fact]
    public void Writing_refuses_values_that_do_not_fit_the_selection()
    {
        var selection = PcrSelection.ParseText("sha256:0,7");
        var values = EvidenceTestData.SyntheticValues(selection).Without(TpmAlgorithm.Sha256, 7);
        Assert.Throws<InvalidOperationException>(() => new TpmToolsPcrFile(selection, values).ToBytes());
        Assert.Throws<InvalidOperationException>(() => PcrValuesFile.Write(values, selection));
    }

    [Fact]
    public void Parsers_survive_fuzzing()
    {
        var selection = PcrSelection.ParseText("sha1:0,7+sha256:0,1,2,3,4,5,6,7,16");
        var seeds = new List<byte[]> { new TpmToolsPcrFile(selection, EvidenceTestData.SyntheticValues(selection)).ToBytes() };
        if (SharedVectors.Directory is not null)
            seeds.Add(SharedVectors.ReadBytes("quote_rsa.pcrs"));
        var report = ParserFuzz.Run<TpmParseException>("tpm2-tools PCR file", seeds, bytes => TpmToolsPcrFile.Parse(bytes), randomCases: 1500);
        Assert.True(report.Rejected > report.Cases / 2, $"only {report.Rejected} of {report.Cases} inputs were refused");

        var valuesSeed = PcrValuesFile.Write(EvidenceTestData.SyntheticValues(selection), selection);
        var valuesReport = ParserFuzz.Run<TpmParseException>("PCR values file", [valuesSeed], bytes => PcrValuesFile.Parse(bytes, selection), randomCases: 3000);
        Assert.True(valuesReport.Accepted > 0 && valuesReport.Rejected > 0);
    }
}
