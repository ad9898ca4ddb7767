using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using OrleansAttest.Tpm.Device.Capabilities;
using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Device.Errors;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Structures;
using OrleansAttest.Tpm.Tests.Device.Support;

namespace OrleansAttest.Tpm.Tests.Device;

/// <summary>PCRs, capabilities and real TPM errors against swtpm, cross-checked with tpm2-tools.</summary>
public sealed class PcrAndCapabilityTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly string All24 = string.Join(',', Enumerable.Range(0, 24));

    [Fact]
    public async Task Reading_48_PCRs_of_two_banks_takes_several_calls_and_equals_tpm2_pcrread()
    {
        await using var h = await SwtpmHarness.StartAsync();
        // Make the values differ from one another so an ordering mistake cannot pass.
        // PCRs 17..22 belong to higher localities; swtpm refuses them at locality 0.
        foreach (int pcr in new[] { 0, 5, 10, 15, 23 })
            await h.Client.ExtendPcrAsync(pcr, [(TpmAlgorithm.Sha256, SHA256.HashData([(byte)pcr])), (TpmAlgorithm.Sha1, SHA1.HashData([(byte)pcr]))], Cancel);

        var selection = PcrSelection.ParseText($"sha1:{All24}+sha256:{All24}");
        int before = h.Recorder.Exchanges.Count;
        var values = await h.Client.ReadPcrsAsync(selection, Cancel);
        int calls = h.Recorder.Exchanges.Count - before;
        Assert.Equal(48, values.Values.Count);
        Assert.True(calls >= 6, $"48 PCRs cannot come back in fewer than 6 PCR_Read calls, but took {calls}");
        Assert.Equal(Enumerable.Range(0, 24).Concat(Enumerable.Range(0, 24)), values.Selection.InDigestOrder().Select(v => v.Pcr));

        await h.RunToolAsync("tpm2_pcrread", $"sha1:{All24}+sha256:{All24}", "-o", h.WorkFile("pcrs.bin"));
        Assert.Equal(await File.ReadAllBytesAsync(h.WorkFile("pcrs.bin"), Cancel), values.Concatenated());
        Assert.NotEqual(values.Get(TpmAlgorithm.Sha256, 0), values.Get(TpmAlgorithm.Sha256, 5));
    }

    [Fact]
    public async Task Extending_PCR16_in_two_banks_gives_the_hash_chain_and_moves_the_update_counter()
    {
        await using var h = await SwtpmHarness.StartAsync();
        var selection = PcrSelection.ParseText("sha1:16+sha256:16");
        var before = await h.Client.ReadPcrsAsync(selection, Cancel);
        Assert.Equal(new byte[32], before.Get(TpmAlgorithm.Sha256, 16));

        var digest256 = SHA256.HashData(Encoding.ASCII.GetBytes("hello"));
        var digest1 = SHA1.HashData(Encoding.ASCII.GetBytes("hello"));
        await h.Client.ExtendPcrAsync(16, [(TpmAlgorithm.Sha256, digest256), (TpmAlgorithm.Sha1, digest1)], Cancel);

        var after = await h.Client.ReadPcrsAsync(selection, Cancel);
        Assert.Equal(SHA256.HashData([.. new byte[32], .. digest256]), after.Get(TpmAlgorithm.Sha256, 16));
        Assert.Equal(SHA1.HashData([.. new byte[20], .. digest1]), after.Get(TpmAlgorithm.Sha1, 16));
        // PCR 16 (debug) is one of the PCRs that do not count; PCR 8 does, and the counter must show it.
        await h.Client.ExtendPcrAsync(8, [(TpmAlgorithm.Sha256, digest256)], Cancel);
        var counted = await h.Client.ReadPcrsAsync(selection, Cancel);
        Assert.True(counted.UpdateCounter > after.UpdateCounter, $"pcrUpdateCounter {after.UpdateCounter} -> {counted.UpdateCounter} after extending PCR 8");

        var tool = await h.RunToolAsync("tpm2_pcrread", "sha256:16");
        Assert.Contains("0x" + Convert.ToHexString(after.Get(TpmAlgorithm.Sha256, 16)), tool);
    }

    [Fact]
    public async Task Capabilities_startup_and_real_TPM_errors()
    {
        await using var h = await SwtpmHarness.StartAsync();

        // swtpm runs with startup-clear: a second Startup gets TPM_RC_INITIALIZE, which is not an error.
        Assert.False(await h.Client.StartupAsync(cancellationToken: Cancel));

        var info = await h.Client.GetTpmInfoAsync(Cancel);
        Assert.Equal("IBM", info.Manufacturer);
        Assert.Equal("2.0", info.Family);
        var fixedProperties = await h.RunToolAsync("tpm2_getcap", "properties-fixed");
        Assert.Equal(RawProperty(fixedProperties, "TPM2_PT_MANUFACTURER"), info.Get(TpmPropertyTag.Manufacturer));
        Assert.Equal(RawProperty(fixedProperties, "TPM2_PT_FIRMWARE_VERSION_1"), info.FirmwareVersion1);
        Assert.Equal(RawProperty(fixedProperties, "TPM2_PT_FIRMWARE_VERSION_2"), info.FirmwareVersion2);
        Assert.Equal(RawProperty(fixedProperties, "TPM2_PT_NV_BUFFER_MAX"), info.Get(TpmPropertyTag.NvBufferMax));
        Assert.StartsWith("SW", info.VendorString);
        Assert.True(info.FixedProperties.Count > 40, $"only {info.FixedProperties.Count} fixed properties were gathered");

        var banks = await h.Client.GetPcrBanksAsync(Cancel);
        Assert.Equal([TpmAlgorithm.Sha1, TpmAlgorithm.Sha256], banks.Banks.Select(b => b.Hash).Order());
        Assert.All(banks.Banks, b => Assert.Equal(Enumerable.Range(0, 24), b.Pcrs));

        var persistent = await h.Client.GetHandlesAsync(TpmHandles.PersistentFirst, Cancel);
        Assert.Contains(TpmHandles.EkRsaPersistent, persistent);
        Assert.All(persistent, p => Assert.Equal(0x81u, p >> 24));

        var error = await Assert.ThrowsAsync<TpmException>(() => h.Client.ReadPublicAsync(0x81000099, Cancel));
        Assert.Equal(0x18Bu, error.RawCode);
        Assert.Equal(TpmRc.Handle, error.Code.BaseCode);
        Assert.Equal(1, error.Code.Handle);
        Assert.Contains("TPM2_ReadPublic failed with 0x18B TPM_RC_HANDLE (handle 1)", error.Message);

        Assert.Null(await h.Client.ReadNvAsync(0x01C00099, cancellationToken: Cancel));
        Assert.Null(await h.Client.ReadNvPublicAsync(0x01C00099, Cancel));
        // swtpm_setup provisions an RSA EK certificate only (its ECC one is P-384 at another index).
        Assert.Null(await h.Client.ReadEkCertificateAsync(TpmKeyAlgorithm.Ecc, Cancel));

        // A parameter error: PCR_Extend of a PCR the TPM does not have is refused for handle 1 (the PCR).
        var extend = await Assert.ThrowsAsync<TpmException>(() => h.Client.ExtendPcrAsync(30, [(TpmAlgorithm.Sha256, new byte[32])], Cancel));
        Assert.Equal(1, extend.Code.Handle);
    }

    private static uint RawProperty(string getcap, string name)
    {
        var match = Regex.Match(getcap, name + @":\s*\n\s*raw:\s*0x([0-9A-Fa-f]+)");
        Assert.True(match.Success, $"{name} not found in tpm2_getcap output");
        return uint.Parse(match.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
