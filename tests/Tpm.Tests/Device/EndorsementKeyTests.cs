using System.Security.Cryptography.X509Certificates;
using OrleansAttest.Tpm.Device.Commands;
using OrleansAttest.Tpm.Device.Keys;
using OrleansAttest.Tpm.Device.Nv;
using OrleansAttest.Tpm.Structures;
using OrleansAttest.Tpm.Tests.Device.Support;

namespace OrleansAttest.Tpm.Tests.Device;

/// <summary>EK and EK certificate against a freshly manufactured swtpm, cross-checked with tpm2-tools.</summary>
public sealed class EndorsementKeyTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Persistent_EK_equals_tpm2_readpublic_and_CreatePrimary_L1_reproduces_it()
    {
        await using var h = await SwtpmHarness.StartAsync();
        await using (var ek = await h.Client.GetEndorsementKeyAsync(TpmKeyAlgorithm.Rsa, Cancel))
        {
            Assert.Equal(TpmHandles.EkRsaPersistent, ek.Handle);
            Assert.False(ek.MustFlush);
            await h.RunToolAsync("tpm2_readpublic", "-c", "0x81010001", "-o", h.WorkFile("ek.pub"), "-n", h.WorkFile("ek.name"));
            Assert.Equal(await File.ReadAllBytesAsync(h.WorkFile("ek.pub"), Cancel), ek.Public.ToSizedBytes());
            Assert.Equal(await File.ReadAllBytesAsync(h.WorkFile("ek.name"), Cancel), ek.Name);

            // ReadPublic's qualified name of an EK is built on the endorsement hierarchy's handle.
            var read = await h.Client.ReadPublicAsync(ek.Handle, Cancel);
            Assert.Equal(ek.QualifiedName, read.QualifiedName);

            await using var created = await h.Client.CreateEndorsementKeyAsync(TpmKeyAlgorithm.Rsa, Cancel);
            Assert.True(created.MustFlush);
            Assert.Equal(TpmHandles.TransientFirst, created.Handle & 0xFF000000);
            Assert.Equal(ek.Public.ToBytes(), created.Public.ToBytes());
            Assert.Equal(ek.Name, created.Name);
            Assert.Equal(EkTemplates.Attributes, created.Public.Attributes);
            Assert.Equal(EkTemplates.PolicyDigest, created.Public.AuthPolicy);
        }
        Assert.Empty(await h.Client.GetHandlesAsync(TpmHandles.TransientFirst, Cancel));
    }

    [Fact]
    public async Task Ecc_L2_EK_is_P256_with_the_Name_tpm2_createek_gives()
    {
        await using var h = await SwtpmHarness.StartAsync();
        byte[] name;
        await using (var ek = await h.Client.GetEndorsementKeyAsync(TpmKeyAlgorithm.Ecc, Cancel))
        {
            // swtpm_setup makes no L-2 key persistent, so this is a transient one from the template.
            Assert.True(ek.MustFlush);
            Assert.Equal(TpmAlgorithm.Ecc, ek.Public.Type);
            Assert.Equal(TpmEccCurve.NistP256, ek.Public.Curve);
            Assert.Equal(32, ek.Public.EccX.Length);
            Assert.Equal(32, ek.Public.EccY.Length);
            Assert.Equal(ek.Public.ComputeName(), ek.Name);
            name = ek.Name;
        }
        await h.RunToolAsync("tpm2_createek", "-G", "ecc", "-c", h.WorkFile("ek.ctx"), "-u", h.WorkFile("ek_ecc.pub"));
        await h.FlushToolLeftoversAsync();
        var theirs = TpmPublic.ParseSized(await File.ReadAllBytesAsync(h.WorkFile("ek_ecc.pub"), Cancel));
        Assert.Equal(theirs.ComputeName(), name);
    }

    [Fact]
    public async Task Ek_certificate_read_in_chunks_equals_the_manufactured_file_and_holds_the_EK_modulus()
    {
        await using var h = await SwtpmHarness.StartAsync();
        var expected = await File.ReadAllBytesAsync(h.Tpm.EkCertificatePath, Cancel);

        var nvPublic = await h.Client.ReadNvPublicAsync(TpmHandles.EkRsaCertificate, Cancel);
        Assert.NotNull(nvPublic);
        Assert.Equal(expected.Length, nvPublic.DataSize);
        Assert.True(nvPublic.Has(NvAttributes.OwnerRead | NvAttributes.Written));

        Assert.Equal(expected, await h.Client.ReadEkCertificateAsync(TpmKeyAlgorithm.Rsa, Cancel));

        // Small chunks: the loop must stitch many NV_Read answers together in order.
        int before = CountNvReads(h);
        Assert.Equal(expected, await h.Client.ReadNvAsync(TpmHandles.EkRsaCertificate, maxChunk: 100, Cancel));
        Assert.Equal((expected.Length + 99) / 100, CountNvReads(h) - before);

        using var certificate = X509CertificateLoader.LoadCertificate(expected);
        using var certificateKey = certificate.GetRSAPublicKey();
        Assert.NotNull(certificateKey);
        await using var ek = await h.Client.GetEndorsementKeyAsync(TpmKeyAlgorithm.Rsa, Cancel);
        Assert.Equal(ek.Public.RsaModulus, certificateKey.ExportParameters(false).Modulus);
    }

    private static int CountNvReads(SwtpmHarness h) =>
        h.Recorder.Exchanges.Count(e => CommandLayout.CodeOf(e.Command) == (uint)TpmCommandCode.NvRead);
}
