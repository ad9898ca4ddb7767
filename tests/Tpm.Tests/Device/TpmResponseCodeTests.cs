using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Device.Errors;

namespace OrleansAttest.Tpm.Tests.Device;

public sealed class TpmResponseCodeTests
{
    [Theory]
    // Format one, P bit set: parameter number in bits 8..11.
    [InlineData(0x2C4u, "TPM_RC_VALUE (parameter 2): value is out of range or is not correct for the context")]
    [InlineData(0x1D5u, "TPM_RC_SIZE (parameter 1): structure is the wrong size")]
    [InlineData(0xFC4u, "TPM_RC_VALUE (parameter 15): value is out of range or is not correct for the context")]
    // Format one, P clear, N < 8: handle number.
    [InlineData(0x18Bu, "TPM_RC_HANDLE (handle 1): the handle is not correct for the use")]
    [InlineData(0x28Bu, "TPM_RC_HANDLE (handle 2): the handle is not correct for the use")]
    [InlineData(0x08Bu, "TPM_RC_HANDLE: the handle is not correct for the use")]
    // Format one, P clear, N >= 8: session number N - 8.
    [InlineData(0x98Eu, "TPM_RC_AUTH_FAIL (session 1): the authorization HMAC check failed and DA counter incremented")]
    [InlineData(0xA9Du, "TPM_RC_POLICY_FAIL (session 2): a policy check failed")]
    // Format zero errors and warnings.
    [InlineData(0x100u, "TPM_RC_INITIALIZE: TPM not initialized by TPM2_Startup or already initialized")]
    [InlineData(0x143u, "TPM_RC_COMMAND_CODE: command code not supported")]
    [InlineData(0x922u, "TPM_RC_RETRY: the TPM was not able to start the command")]
    [InlineData(0x908u, "TPM_RC_YIELDED: the TPM has suspended operation on the command; forward progress was made and the command may be retried")]
    [InlineData(0x902u, "TPM_RC_OBJECT_MEMORY: out of memory for object contexts")]
    [InlineData(0x911u, "TPM_RC_REFERENCE_H1: handle 2 of the handle area references a transient object or session that is not loaded")]
    [InlineData(0x01Eu, "TPM_RC_BAD_TAG: the command tag is not valid (a TPM 1.2 command sent to a TPM 2.0, or garbage)")]
    public void Codes_decode_to_their_names_positions_and_meanings(uint raw, string expected)
    {
        Assert.Equal(expected, new TpmResponseCode(raw).ToString());
    }

    [Fact]
    public void Format_one_positions_are_exposed_as_numbers_and_stripped_from_the_base_code()
    {
        var parameter = new TpmResponseCode(0x3C4);
        Assert.True(parameter.IsFormatOne);
        Assert.Equal(3, parameter.Parameter);
        Assert.Null(parameter.Handle);
        Assert.Null(parameter.Session);
        Assert.Equal(TpmRc.Value, parameter.BaseCode);

        var session = new TpmResponseCode(0xB8E);
        Assert.Equal(3, session.Session);
        Assert.Null(session.Parameter);
        Assert.Equal(TpmRc.AuthFail, session.BaseCode);

        var handle = new TpmResponseCode(0x78B);
        Assert.Equal(7, handle.Handle);
        Assert.Equal(TpmRc.Handle, handle.BaseCode);
    }

    [Fact]
    public void Warnings_vendor_codes_and_tss_layers_are_told_apart()
    {
        var retry = new TpmResponseCode(TpmRc.Retry);
        Assert.True(retry.IsWarning);
        Assert.True(retry.IsRetryable);
        Assert.True(new TpmResponseCode(TpmRc.Yielded).IsRetryable);
        Assert.True(new TpmResponseCode(TpmRc.Testing).IsRetryable);
        Assert.False(new TpmResponseCode(TpmRc.ObjectMemory).IsRetryable);
        Assert.False(new TpmResponseCode(TpmRc.Initialize).IsWarning);

        var vendor = new TpmResponseCode(0x501);
        Assert.True(vendor.IsVendor);
        Assert.False(vendor.IsWarning);
        Assert.StartsWith("TPM_RC_VENDOR_0x501", vendor.ToString());

        // tpm2-abrmd answering for the TPM: layer 12 with the TPM's code underneath; never retried by us.
        var resourceManager = new TpmResponseCode(0x000C0922);
        Assert.Equal(12, resourceManager.Layer);
        Assert.False(resourceManager.IsRetryable);
        Assert.StartsWith("TSS layer 12 (resource manager, on behalf of the TPM): TPM_RC_RETRY", resourceManager.ToString());

        var tcti = new TpmResponseCode(0x000A000A);
        Assert.Equal(10, tcti.Layer);
        Assert.StartsWith("TSS layer 10 (TCTI)", tcti.ToString());

        Assert.True(new TpmResponseCode(0).IsSuccess);
        Assert.Equal("TPM_RC_SUCCESS", new TpmResponseCode(0).ToString());
    }

    [Fact]
    public void Unknown_codes_still_get_a_readable_name()
    {
        Assert.StartsWith("TPM_RC_0x0BF", new TpmResponseCode(0x0BF).ToString());
        Assert.StartsWith("TPM_RC_0x17E: unknown format-zero", new TpmResponseCode(0x17E).ToString());
        Assert.StartsWith("TPM 1.2 code 0x005", new TpmResponseCode(0x005).ToString());
    }

    [Fact]
    public void Exception_message_names_command_raw_code_and_meaning()
    {
        var e = new TpmException(TpmCommandCode.ReadPublic, new TpmResponseCode(0x18B));
        Assert.Equal("TPM2_ReadPublic failed with 0x18B TPM_RC_HANDLE (handle 1): the handle is not correct for the use", e.Message);
        Assert.Equal(0x18Bu, e.RawCode);
        Assert.Equal(TpmCommandCode.ReadPublic, e.Command);
    }
}
