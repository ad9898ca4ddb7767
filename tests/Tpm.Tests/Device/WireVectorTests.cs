using OrleansAttest.Tpm.Credentials;
using System.Security.Cryptography;
using System.Text;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Device.Attestation;
using OrleansAttest.Tpm.Device.Capabilities;
using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Device.Errors;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Device.Nv;
using OrleansAttest.Tpm.Device.Pcr;
using OrleansAttest.Tpm.Device.Sessions;
using OrleansAttest.Tpm.Structures;
using OrleansAttest.Tpm.Tests.Device.Support;

namespace OrleansAttest.Tpm.Tests.Device;

/// <summary>
/// ../shared/vectors/wire: the exact bytes tpm2-tools exchanged with swtpm. Our decoders must read every response,
/// and where our command is deterministic it must equal theirs byte for byte (or area for area where tpm2-tools used
/// an HMAC session that we replace with a password or policy session). The swtpm tests are the self-contained twins.
/// </summary>
public sealed class WireVectorTests
{
    /// <summary>Per vector: command handles, response handles, and the decoder of a successful response.</summary>
    private static readonly Dictionary<string, (int CommandHandles, int ResponseHandles, Action<TpmResponse> Decode)> Vectors = new()
    {
        ["GetCapability"] = (0, 0, r => CapabilityCommands.ParseGetCapability(r)),
        ["PCR_Extend"] = (1, 0, PcrCommands.ParsePcrExtend),
        ["PCR_Read"] = (0, 0, r => PcrCommands.ParsePcrRead(r)),
        ["ReadPublic"] = (1, 0, r => ObjectCommands.ParseReadPublic(r)),
        ["StartAuthSession"] = (2, 1, r => SessionCommands.ParseStartAuthSession(r)),
        ["NV_ReadPublic"] = (1, 0, r => NvCommands.ParseNvReadPublic(r)),
        ["NV_Read"] = (2, 0, r => NvCommands.ParseNvRead(r)),
        ["FlushContext"] = (0, 0, ObjectCommands.ParseFlushContext),
        ["CreatePrimary"] = (1, 1, r => ObjectCommands.ParseCreatePrimary(r)),
        ["PolicySecret"] = (2, 0, SessionCommands.ParsePolicySecret),
        ["Create"] = (1, 0, r => ObjectCommands.ParseCreate(r)),
        ["Load"] = (1, 1, r => ObjectCommands.ParseLoad(r)),
        ["Quote_1"] = (1, 0, r => AttestationCommands.ParseQuote(r)),
        ["Quote_2"] = (1, 0, r => AttestationCommands.ParseQuote(r)),
        ["Quote_3"] = (1, 0, r => AttestationCommands.ParseQuote(r)),
        ["Quote_4"] = (1, 0, r => AttestationCommands.ParseQuote(r)),
        ["Quote_5"] = (1, 0, r => AttestationCommands.ParseQuote(r)),
        ["ActivateCredential"] = (2, 0, r => AttestationCommands.ParseActivateCredential(r)),
    };

    public static TheoryData<string> Names => new(Vectors.Keys);

    private static TpmResponse ParseVector(string name)
    {
        var command = SharedVectors.ReadBytes($"wire/{name}.cmd");
        var (handles, responseHandles, _) = Vectors[name];
        var layout = CommandLayout.Split(command, handles);
        var code = (TpmCommandCode)layout.CommandCode;
        return TpmResponse.Parse(SharedVectors.ReadBytes($"wire/{name}.rsp"), code, responseHandles, layout.SessionCount);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_captured_response_decodes(string name)
    {
        var response = ParseVector(name);
        Assert.True(response.IsSuccess, $"{name}: {response.Code}");
        Vectors[name].Decode(response);
    }

    [Fact]
    public void The_captured_RC_RETRY_is_recognised_as_retryable()
    {
        var command = SharedVectors.ReadBytes("wire/Quote_rc922.cmd");
        var response = TpmResponse.Parse(SharedVectors.ReadBytes("wire/Quote_rc922.rsp"), TpmCommandCode.Quote, 0, CommandLayout.Split(command, 1).SessionCount);
        Assert.True(response.Code.IsRetryable);
        Assert.Equal(TpmRc.Retry, response.Code.BaseCode);
        // tpm2-tools resent the identical command, which then succeeded: the behaviour our client copies.
        Assert.Equal(command, SharedVectors.ReadBytes("wire/Quote_1.cmd"));
    }

    [Fact]
    public void Deterministic_commands_equal_the_captured_bytes()
    {
        Assert.Equal(SharedVectors.ReadBytes("wire/GetCapability.cmd"),
            CapabilityCommands.GetCapability(TpmCapability.Handles, TpmHandles.TransientFirst, 254).ToBytes());
        Assert.Equal(SharedVectors.ReadBytes("wire/PCR_Read.cmd"),
            PcrCommands.PcrRead(PcrSelection.ParseText("sha256:0,1,2,3,4,5,6,7,16")).ToBytes());
        Assert.Equal(SharedVectors.ReadBytes("wire/PCR_Extend.cmd"),
            PcrCommands.PcrExtend(7, [(TpmAlgorithm.Sha256, SHA256.HashData(Encoding.ASCII.GetBytes("secureboot")))]).ToBytes());
        Assert.Equal(SharedVectors.ReadBytes("wire/NV_ReadPublic.cmd"), NvCommands.NvReadPublic(TpmHandles.EkRsaCertificate).ToBytes());
        Assert.Equal(SharedVectors.ReadBytes("wire/ReadPublic.cmd"), ObjectCommands.ReadPublic(TpmHandles.EkRsaPersistent).ToBytes());
        Assert.Equal(SharedVectors.ReadBytes("wire/PolicySecret.cmd"), SessionCommands.PolicySecret(TpmHandles.Endorsement, TpmHandles.PolicySessionFirst).ToBytes());
        Assert.Equal(SharedVectors.ReadBytes("wire/FlushContext.cmd"), ObjectCommands.FlushContext(TpmHandles.HmacSessionFirst).ToBytes());

        // Same nonceCaller as tpm2-tools chose: then the whole command is the same. The captured session is the
        // HMAC session tpm2-tools opens for itself; our policy sessions differ from it only in sessionType.
        var startSession = SharedVectors.ReadBytes("wire/StartAuthSession.cmd");
        var nonce = startSession[20..52];
        Assert.Equal(startSession, SessionCommands.StartAuthSession(TpmSessionType.Hmac, nonce).ToBytes());
    }

    [Fact]
    public void Commands_that_tpm2_tools_sent_with_HMAC_sessions_match_ours_in_handles_and_parameters()
    {
        AssertSameApartFromSessions("NV_Read", 2, NvCommands.NvRead(TpmHandles.Owner, TpmHandles.EkRsaCertificate, 0x3F8, 0).ToBytes());
        AssertSameApartFromSessions("CreatePrimary", 1, ObjectCommands.CreatePrimary(TpmHandles.Endorsement, EkTemplates.RsaL1()).ToBytes());
        AssertSameApartFromSessions("Create", 1, ObjectCommands.Create(TpmHandles.TransientFirst, AkTemplates.Rsa(), TpmAuthorization.Policy(TpmHandles.PolicySessionFirst)).ToBytes());
        AssertSameApartFromSessions("Load", 1, ObjectCommands.Load(TpmHandles.TransientFirst, SharedVectors.ReadBytes("ak_rsa.priv"), SharedVectors.ReadBytes("ak_rsa.pub"),
            TpmAuthorization.Policy(TpmHandles.PolicySessionFirst)).ToBytes());
        var credential = CredentialFile.Read(SharedVectors.ReadBytes("mkcred_rsa.out"));
        AssertSameApartFromSessions("ActivateCredential", 2, AttestationCommands.ActivateCredential(0x80000001, TpmHandles.TransientFirst,
            credential.CredentialBlob, credential.EncryptedSecret, TpmAuthorization.Password(), TpmAuthorization.Policy(TpmHandles.PolicySessionFirst)).ToBytes());
    }

    [Fact]
    public void Captured_answers_carry_the_values_gen_sh_produced()
    {
        var ekPublic = ObjectCommands.ParseReadPublic(ParseVector("ReadPublic"));
        Assert.Equal(SharedVectors.ReadBytes("ek_rsa.pub"), ekPublic.Public.ToSizedBytes());
        Assert.Equal(SharedVectors.ReadBytes("ek_rsa.name"), ekPublic.Name);

        var created = ObjectCommands.ParseCreatePrimary(ParseVector("CreatePrimary"));
        Assert.Equal(SharedVectors.ReadBytes("ek_rsa.pub"), created.Public.ToSizedBytes());
        Assert.Equal(0x80000000u, created.Handle);

        var pcrs = PcrCommands.ParsePcrRead(ParseVector("PCR_Read"));
        Assert.Equal(8, pcrs.Digests.Count);
        Assert.Equal("sha256:0,1,2,3,4,5,6,7", pcrs.Selection.ToString());

        var nv = NvCommands.ParseNvReadPublic(ParseVector("NV_ReadPublic"));
        Assert.Equal(TpmHandles.EkRsaCertificate, nv.Index);
        Assert.True(nv.Has(NvAttributes.OwnerRead | NvAttributes.AuthRead | NvAttributes.Written));
        Assert.Equal(SharedVectors.ReadBytes("ek_rsa_cert.der").Length, nv.DataSize);
        Assert.Equal(SharedVectors.ReadBytes("ek_rsa_cert.der"), NvCommands.ParseNvRead(ParseVector("NV_Read")));

        Assert.Equal(SharedVectors.ReadBytes("activated_secret.bin"), AttestationCommands.ParseActivateCredential(ParseVector("ActivateCredential")));
        var quote = AttestationCommands.ParseQuote(ParseVector("Quote_1"));
        Assert.Equal(SharedVectors.ReadBytes("quote_rsa.msg"), quote.Attest);
        Assert.Equal(SharedVectors.ReadBytes("quote_rsa.sig"), quote.Signature);
    }

    private static void AssertSameApartFromSessions(string name, int handles, byte[] ours)
    {
        var theirs = CommandLayout.Split(SharedVectors.ReadBytes($"wire/{name}.cmd"), handles);
        var mine = CommandLayout.Split(ours, handles);
        Assert.Equal(theirs.CommandCode, mine.CommandCode);
        Assert.Equal(Convert.ToHexString(theirs.Handles), Convert.ToHexString(mine.Handles));
        Assert.Equal(theirs.SessionCount, mine.SessionCount);
        Assert.Equal(Convert.ToHexString(theirs.Parameters), Convert.ToHexString(mine.Parameters));
    }
}
