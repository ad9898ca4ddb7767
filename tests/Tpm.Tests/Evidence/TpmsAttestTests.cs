using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Evidence;

public sealed class TpmsAttestTests
{
    [Theory]
    [InlineData("rsa")]
    [InlineData("ecc")]
    [InlineData("pss")]
    public void Vector_quote_message_parses_to_the_fields_tpm2_tools_printed(string k)
    {
        var bytes = SharedVectors.ReadBytes($"quote_{k}.msg");
        var attest = TpmsAttest.Parse(bytes);

        Assert.Equal(TpmsAttest.TpmGeneratedValue, attest.Magic);
        Assert.Equal(TpmStructureTag.AttestQuote, attest.Type);
        Assert.Equal(SharedVectors.ReadHex("nonce.hex"), attest.ExtraData);
        Assert.Equal(4u, attest.ClockInfo.ResetCount);
        Assert.Equal(0x2019102300163636ul, attest.FirmwareVersion);
        var quote = Assert.IsType<TpmsQuoteInfo>(attest.Attested);
        Assert.Equal(EvidenceTestData.VectorSelection, quote.PcrSelect);
        Assert.Equal(Convert.FromHexString("2c995c28cd35289900609711e725bee1b4f6d388d81ab7616122d65400453a9e"), quote.PcrDigest);
        // Re-marshalling gives the signed bytes back exactly.
        Assert.Equal(bytes, attest.ToBytes());
    }

    [Fact]
    public void Vector_qualified_signer_is_the_qualified_name_tpm2_tools_reported()
    {
        var attest = TpmsAttest.Parse(SharedVectors.ReadBytes("quote_rsa.msg"));
        // tpm2_createak/checkquote printed: qualified name: 000b6e80936d...
        Assert.Equal(Convert.FromHexString("000b6e80936d98259c3d19a0c1b0ef62b50a732a20c62889803df8bcf556952235bf"), attest.QualifiedSigner);
        var computed = QualifiedSigner.OfKeyUnderEk(SharedVectors.ReadBytes("ek_rsa.name"), SharedVectors.ReadBytes("ak_rsa.name"));
        Assert.Equal(attest.QualifiedSigner, computed);
    }

    [Fact]
    public void Synthetic_quote_round_trips_every_field()
    {
        var original = new TpmsAttest
        {
            Magic = TpmsAttest.TpmGeneratedValue,
            Type = TpmStructureTag.AttestQuote,
            QualifiedSigner = [0x00, 0x0B, .. new byte[32]],
            ExtraData = EvidenceTestData.Nonce(),
            ClockInfo = new TpmsClockInfo(0x0102030405060708, 9, 10, true),
            FirmwareVersion = 0x1122334455667788,
            Attested = new TpmsQuoteInfo(PcrSelection.ParseText("sha1:0,23+sha256:1,7,16"), new byte[32]),
        };
        var parsed = TpmsAttest.Parse(original.ToBytes());
        Assert.Equal(original.ClockInfo, parsed.ClockInfo);
        Assert.Equal(original.FirmwareVersion, parsed.FirmwareVersion);
        Assert.Equal(original.ExtraData, parsed.ExtraData);
        Assert.Equal(((TpmsQuoteInfo)original.Attested).PcrSelect, parsed.Quote!.PcrSelect);
        Assert.True(parsed.ClockInfo.Safe);
        Assert.Equal(original.ToBytes(), parsed.ToBytes());
    }

    [Fact]
    public void Certify_attest_parses_name_and_qualified_name_and_is_not_a_quote()
    {
        var attest = new TpmsAttest
        {
            Magic = TpmsAttest.TpmGeneratedValue, Type = TpmStructureTag.AttestCertify,
            QualifiedSigner = [0x00, 0x0B, .. new byte[32]], ExtraData = [1, 2, 3],
            ClockInfo = EvidenceTestData.Clock, FirmwareVersion = 1,
            Attested = new TpmsCertifyInfo([0x00, 0x0B, .. Enumerable.Repeat((byte)7, 32)], [0x00, 0x0B, .. Enumerable.Repeat((byte)8, 32)]),
        };
        var parsed = TpmsAttest.Parse(attest.ToBytes());
        Assert.Null(parsed.Quote);
        Assert.Equal(((TpmsCertifyInfo)attest.Attested).QualifiedName, parsed.Certify!.QualifiedName);
    }

    [Theory]
    [InlineData(TpmStructureTag.AttestTime, "0000000000000001" + "00000000000000020000000300000004" + "01" + "0000000000000005")]
    [InlineData(TpmStructureTag.AttestCreation, "0002aabb" + "0003010203")]
    [InlineData(TpmStructureTag.AttestSessionAudit, "01" + "0001ff")]
    [InlineData(TpmStructureTag.AttestNv, "0002aabb" + "0004" + "000401020304")]
    [InlineData(TpmStructureTag.AttestCommandAudit, "0000000000000009" + "000b" + "0001aa" + "0001bb")]
    [InlineData(TpmStructureTag.AttestNvDigest, "0002aabb" + "0001cc")]
    [InlineData((TpmStructureTag)0x9999, "deadbeef")]
    public void Other_attestation_types_are_walked_and_kept_raw(TpmStructureTag type, string attestedHex)
    {
        var raw = Convert.FromHexString(attestedHex);
        var attest = new TpmsAttest
        {
            Magic = TpmsAttest.TpmGeneratedValue, Type = type, QualifiedSigner = [], ExtraData = [],
            ClockInfo = EvidenceTestData.Clock, FirmwareVersion = 1, Attested = new TpmsOpaqueAttestInfo(raw),
        };
        var parsed = TpmsAttest.Parse(attest.ToBytes());
        Assert.Equal(raw, Assert.IsType<TpmsOpaqueAttestInfo>(parsed.Attested).Raw);
        Assert.Null(parsed.Quote);
    }

    [Fact]
    public void Parser_does_not_judge_magic_or_type_but_refuses_structural_garbage()
    {
        var bytes = SharedVectors.ReadBytes("quote_rsa.msg");
        var badMagic = (byte[])bytes.Clone();
        badMagic[0] = 0x00;
        Assert.Equal(0x00544347u, TpmsAttest.Parse(badMagic).Magic);

        var badSafe = (byte[])bytes.Clone();
        badSafe[0x5C] = 2; // clockInfo.safe is a TPMI_YES_NO
        Assert.Contains("clockInfo.safe", Assert.Throws<TpmParseException>(() => TpmsAttest.Parse(badSafe)).Message);

        var trailing = bytes.Append((byte)0).ToArray();
        Assert.Contains("trailing", Assert.Throws<TpmParseException>(() => TpmsAttest.Parse(trailing)).Message);

        var longName = (byte[])bytes.Clone();
        longName[7] = 0x43; // qualifiedSigner.size 67 > sizeof(TPMU_NAME)
        Assert.Contains("qualifiedSigner", Assert.Throws<TpmParseException>(() => TpmsAttest.Parse(longName)).Message);
    }

    [Fact]
    public void Parser_survives_fuzzing()
    {
        var seeds = new List<byte[]>
        {
            new TpmsAttest
            {
                Magic = TpmsAttest.TpmGeneratedValue, Type = TpmStructureTag.AttestQuote, QualifiedSigner = [0x00, 0x0B, .. new byte[32]],
                ExtraData = EvidenceTestData.Nonce(), ClockInfo = EvidenceTestData.Clock, FirmwareVersion = 7,
                Attested = new TpmsQuoteInfo(PcrSelection.ParseText("sha1:0,1+sha256:0,7,16"), new byte[32]),
            }.ToBytes(),
            new TpmsAttest
            {
                Magic = TpmsAttest.TpmGeneratedValue, Type = TpmStructureTag.AttestCertify, QualifiedSigner = [0x00, 0x0B, .. new byte[32]],
                ExtraData = [], ClockInfo = EvidenceTestData.Clock, FirmwareVersion = 7,
                Attested = new TpmsCertifyInfo([0x00, 0x0B, .. new byte[32]], [0x00, 0x0B, .. new byte[32]]),
            }.ToBytes(),
            new TpmsAttest
            {
                Magic = TpmsAttest.TpmGeneratedValue, Type = TpmStructureTag.AttestNv, QualifiedSigner = [], ExtraData = [],
                ClockInfo = EvidenceTestData.Clock, FirmwareVersion = 7, Attested = new TpmsOpaqueAttestInfo(Convert.FromHexString("0002aabb0004000401020304")),
            }.ToBytes(),
        };
        if (SharedVectors.Directory is not null)
            seeds.Add(SharedVectors.ReadBytes("quote_ecc.msg"));
        var report = ParserFuzz.Run<TpmParseException>("TPMS_ATTEST", seeds, bytes => TpmsAttest.Parse(bytes));
        Assert.True(report.Rejected > report.Cases / 2, $"only {report.Rejected} of {report.Cases} inputs were refused");
        Assert.True(report.Accepted > 0, "no mutated input was accepted: the seeds themselves must parse");
    }
}
