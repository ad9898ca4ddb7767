using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.Device.Attestation;
using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Device.Errors;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Device.Sessions;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;
using OrleansAttest.Tpm.Tests.Device.Support;

namespace OrleansAttest.Tpm.Tests.Device;

public sealed class CommandMarshallingTests
{
    [Fact]
    public void Command_without_sessions_has_tag_8001_and_the_right_size()
    {
        var bytes = ObjectCommands.ReadPublic(0x81010001).ToBytes();
        Assert.Equal("80010000000E0000017381010001", Convert.ToHexString(bytes));
    }

    [Fact]
    public void Command_with_two_sessions_has_an_authorization_area_in_handle_order()
    {
        var bytes = AttestationCommands.ActivateCredential(0x80000001, 0x80000000, [0xAA], [0xBB],
            TpmAuthorization.Password(), TpmAuthorization.Policy(0x03000000)).ToBytes();
        var layout = CommandLayout.Split(bytes, handleCount: 2);
        Assert.Equal(0x8002, bytes[0] << 8 | bytes[1]);
        Assert.Equal(bytes.Length, (int)(layout.Header[2] << 24 | layout.Header[3] << 16 | layout.Header[4] << 8 | layout.Header[5]));
        Assert.Equal((uint)TpmCommandCode.ActivateCredential, layout.CommandCode);
        Assert.Equal("8000000180000000", Convert.ToHexString(layout.Handles));
        Assert.Equal(2, layout.SessionCount);
        // authorizationSize 18 = two sessions of handle(4) + nonce(2) + attributes(1) + hmac(2).
        Assert.Equal("00000012" + "40000009" + "0000" + "00" + "0000" + "03000000" + "0000" + "01" + "0000",
            Convert.ToHexString(bytes, 18, 22));
        Assert.Equal("0001AA0001BB", Convert.ToHexString(layout.Parameters));
    }

    [Fact]
    public void Response_with_sessions_is_split_by_parameterSize_and_checks_every_auth_response()
    {
        // Load: handle 0x80000001, parameterSize 4, name (TPM2B 0002 abcd), one password auth response.
        var good = Convert.FromHexString("8002" + "0000001B" + "00000000" + "80000001" + "00000004" + "0002ABCD" + "0000" + "01" + "0000");
        var response = TpmResponse.Parse(good, TpmCommandCode.Load, handleCount: 1, sessionCount: 1);
        Assert.Equal(0x80000001u, response.Handles[0]);
        Assert.Equal("0002ABCD", Convert.ToHexString(response.Parameters));
        Assert.Equal(TpmSessionAttributes.ContinueSession, response.Authorizations[0].Attributes);
        Assert.Equal(new byte[] { 0xAB, 0xCD }, ObjectCommands.ParseLoad(response).Name);

        // A missing auth response, a lying parameterSize, and a wrong total size are each refused by name.
        var noAuth = Convert.FromHexString("8002" + "00000016" + "00000000" + "80000001" + "00000004" + "0002ABCD");
        Assert.Contains("authorization[0]", Assert.Throws<TpmParseException>(() => TpmResponse.Parse(noAuth, TpmCommandCode.Load, 1, 1)).Message);
        var bigParams = Convert.FromHexString("8002" + "0000001B" + "00000000" + "80000001" + "000000FF" + "0002ABCD" + "0000" + "01" + "0000");
        Assert.Contains("parameterSize 255", Assert.Throws<TpmParseException>(() => TpmResponse.Parse(bigParams, TpmCommandCode.Load, 1, 1)).Message);
        var badSize = (byte[])good.Clone();
        badSize[5] = 0x1C;
        Assert.Contains("responseSize 28 does not equal the 27 bytes", Assert.Throws<TpmParseException>(() => TpmResponse.Parse(badSize, TpmCommandCode.Load, 1, 1)).Message);
    }

    [Fact]
    public void Error_response_becomes_a_TpmException_naming_command_and_code()
    {
        var response = TpmResponse.Parse(ScriptedTransport.Header(0x2C4), TpmCommandCode.Quote, 0, 1);
        Assert.False(response.IsSuccess);
        var e = Assert.Throws<TpmException>(() => AttestationCommands.ParseQuote(response));
        Assert.Equal("TPM2_Quote failed with 0x2C4 TPM_RC_VALUE (parameter 2): value is out of range or is not correct for the context", e.Message);
        // An error response with anything after the header is out of step, not an error code to trust.
        var longer = Convert.FromHexString("8001" + "0000000B" + "000002C4" + "00");
        Assert.Throws<TpmParseException>(() => TpmResponse.Parse(longer, TpmCommandCode.Quote, 0, 1));
    }

    [Fact]
    public async Task Retry_warnings_are_resent_until_the_TPM_answers()
    {
        var success = Convert.FromHexString("8001" + "0000000A" + "00000000");
        var transport = new ScriptedTransport((_, i) => i switch
        {
            0 => ScriptedTransport.Header(TpmRc.Retry),
            1 => ScriptedTransport.Header(TpmRc.Yielded),
            2 => ScriptedTransport.Header(TpmRc.Testing),
            _ => success,
        });
        await using var client = new TpmClient(transport) { RetryDelay = TimeSpan.FromMilliseconds(1) };
        await client.FlushContextAsync(0x80000000, TestContext.Current.CancellationToken);
        Assert.Equal(4, transport.Commands.Count);
        Assert.All(transport.Commands, c => Assert.Equal(transport.Commands[0], c));
    }

    [Fact]
    public async Task Retrying_is_bounded_and_ends_in_an_error_naming_the_warning()
    {
        var transport = new ScriptedTransport((_, _) => ScriptedTransport.Header(TpmRc.Retry));
        await using var client = new TpmClient(transport) { RetryDelay = TimeSpan.FromMilliseconds(1), MaxRetries = 3 };
        var e = await Assert.ThrowsAsync<TpmException>(() => client.FlushContextAsync(0x80000000, TestContext.Current.CancellationToken));
        Assert.Equal(4, transport.Commands.Count);
        Assert.Contains("TPM_RC_RETRY", e.Message);
        Assert.Contains("after 3 resends", e.Message);
    }

    [Fact]
    public async Task Other_errors_are_not_retried()
    {
        var transport = new ScriptedTransport((_, _) => ScriptedTransport.Header(0x18B));
        await using var client = new TpmClient(transport) { RetryDelay = TimeSpan.FromMilliseconds(1) };
        Assert.Null(await client.TryReadPublicAsync(0x81000099, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<TpmException>(() => client.ReadPublicAsync(0x81000099, TestContext.Current.CancellationToken));
        Assert.Equal(2, transport.Commands.Count);
    }

    [Fact]
    public async Task Startup_on_a_started_TPM_is_not_an_error()
    {
        await using var started = new TpmClient(new ScriptedTransport((_, _) => ScriptedTransport.Header(TpmRc.Initialize)));
        Assert.False(await started.StartupAsync(cancellationToken: TestContext.Current.CancellationToken));
        await using var fresh = new TpmClient(new ScriptedTransport((_, _) => ScriptedTransport.Header(0)));
        Assert.True(await fresh.StartupAsync(cancellationToken: TestContext.Current.CancellationToken));
        await using var failed = new TpmClient(new ScriptedTransport((_, _) => ScriptedTransport.Header(TpmRc.Failure)));
        await Assert.ThrowsAsync<TpmException>(() => failed.StartupAsync(cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Disposing_a_key_the_TPM_no_longer_has_is_quiet_but_other_flush_errors_are_not()
    {
        await using var gone = new TpmClient(new ScriptedTransport((_, _) => ScriptedTransport.Header(0x1CB)));
        await new EndorsementKey(gone, 0x80000000, EkTemplates.EccL2(), [], mustFlush: true).DisposeAsync();

        var broken = new ScriptedTransport((_, _) => ScriptedTransport.Header(TpmRc.Failure));
        await using var failing = new TpmClient(broken);
        var ak = new AttestationKey(failing, 0x80000001, new AttestationKeyBlob(AkTemplates.Ecc().ToSizedBytes(), [0, 1, 0]), [], isNew: false);
        Assert.Contains("TPM_RC_FAILURE", (await Assert.ThrowsAsync<TpmException>(() => ak.DisposeAsync().AsTask())).Message);
        await ak.DisposeAsync(); // only one flush attempt per key
        Assert.Single(broken.Commands);

        // A persistent EK is never flushed.
        var persistent = new ScriptedTransport((_, _) => ScriptedTransport.Header(0));
        await using var client = new TpmClient(persistent);
        await new EndorsementKey(client, 0x81010001, EkTemplates.RsaL1(), [], mustFlush: false).DisposeAsync();
        Assert.Empty(persistent.Commands);
    }

    [Fact]
    public void Ek_templates_marshal_to_the_TCG_L1_and_L2_bytes()
    {
        const string policy = "837197674484B3F81A90CC8D46A5D724FD52D76E06520B64F2A1DA1B331469AA";
        Assert.Equal("0001000B000300B20020" + policy + "00060080004300100800" + "00000000" + "0100" + new string('0', 512),
            Convert.ToHexString(EkTemplates.RsaL1().ToBytes()));
        var l2 = EkTemplates.EccL2().ToBytes();
        Assert.Equal("0023000B000300B20020" + policy + "0006008000430010000300100020"
            + new string('0', 64) + "0020" + new string('0', 64), Convert.ToHexString(l2));
    }
}
