using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansAttest.Grains.Admission;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Tests.Support;
using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.Grains.Tests.Unit;

/// <summary>Admission against real swtpm EKs, EK certificates and local EK CAs (two TPMs, two CAs).</summary>
public sealed class AdmissionCheckTests : IAsyncLifetime
{
    private static readonly AttestationPolicy Policy = new() { Name = "p" };
    private SwtpmAgent _device = null!;
    private SwtpmAgent _other = null!;

    public async ValueTask InitializeAsync()
    {
        _device = await SwtpmAgent.StartAsync("edge-a", null!);
        _other = await SwtpmAgent.StartAsync("edge-b", null!);
    }

    public async ValueTask DisposeAsync()
    {
        await _device.DisposeAsync();
        await _other.DisposeAsync();
    }

    private static AdmissionCheck Check(string? bundle = null, bool admitUndeclared = false)
    {
        var options = Options.Create(new AdmissionOptions { EkCaBundle = bundle, AdmitUndeclaredWithTrustedEkCa = admitUndeclared });
        return new AdmissionCheck(new EkTrust(options, TimeProvider.System, NullLogger<EkTrust>.Instance), options);
    }

    private NodeDeclaration ByHash => new("edge-a", "p", EkPublicSha256: _device.EkPublicSha256);
    private NodeDeclaration ByCertificate => new("edge-a", "p", EkCertificate: _device.EkCertificate);

    [Fact]
    public void A_declared_EK_is_admitted_by_hash_or_by_certificate_chaining_to_the_bundle()
    {
        var byHash = Check().Check(_device.Hello(), "edge-a", ByHash, Policy);
        Assert.True(byHash.Admitted, byHash.Detail);
        Assert.Equal(_device.EkPublic.ToBytes(), byHash.Ek!.ToBytes());
        Assert.Equal(_device.AkPublic.ToBytes(), byHash.Ak!.ToBytes());

        var byCertificate = Check(_device.Tpm.CaDirectory).Check(_device.Hello(), "edge-a", ByCertificate, Policy);
        Assert.True(byCertificate.Admitted, byCertificate.Detail);
        Assert.NotNull(byCertificate.TpmManufacturer);
        // The declared certificate stands in for one the device does not send.
        Assert.True(Check(_device.Tpm.CaDirectory).Check(_device.Hello(withCertificate: false), "edge-a", ByCertificate, Policy).Admitted);
    }

    [Fact]
    public void A_certificate_from_an_untrusted_CA_or_an_unloadable_bundle_is_refused()
    {
        var untrusted = Check(_other.Tpm.CaDirectory).Check(_device.Hello(), "edge-a", ByCertificate, Policy);
        Assert.Equal(EkCertificateReasons.Untrusted, untrusted.ReasonCode);
        // Even a hash-pinned node's presented certificate must chain when a bundle is configured.
        Assert.Equal(EkCertificateReasons.Untrusted, Check(_other.Tpm.CaDirectory).Check(_device.Hello(), "edge-a", ByHash, Policy).ReasonCode);
        var missing = Check("/nonexistent/ek-ca").Check(_device.Hello(), "edge-a", ByHash, Policy);
        Assert.Equal(EkCertificateReasons.Untrusted, missing.ReasonCode);
        Assert.Contains("cannot be loaded", missing.Detail);
        var garbage = Check(_device.Tpm.CaDirectory).Check(_device.Hello() with { EkCertificate = [0x30, 0x03, 1, 2, 3] }, "edge-a", ByHash, Policy);
        Assert.Equal(EkCertificateReasons.Malformed, garbage.ReasonCode);
    }

    [Fact]
    public void Another_TPM_is_refused_whichever_way_the_node_is_pinned()
    {
        Assert.Equal(NodeReasons.EkPublicMismatch, Check().Check(_other.Hello() with { NodeName = "edge-a" }, "edge-a", ByHash, Policy).ReasonCode);
        Assert.Equal(NodeReasons.EkCertMismatch, Check().Check(_other.Hello() with { NodeName = "edge-a" }, "edge-a", ByCertificate, Policy).ReasonCode);
        // The other TPM's EK with the declared device's certificate: the certificate does not certify that EK.
        var swapped = _other.Hello(withCertificate: false) with { NodeName = "edge-a", EkCertificate = _device.EkCertificate };
        Assert.Equal(NodeReasons.EkPublicMismatch, Check().Check(swapped, "edge-a", ByCertificate, Policy).ReasonCode);
        Assert.Equal("ek-key-mismatch", Check(_device.Tpm.CaDirectory).Check(swapped, "edge-a", ByHash with { EkPublicSha256 = _other.EkPublicSha256 }, Policy).ReasonCode);
    }

    [Fact]
    public void Undeclared_nodes_need_the_option_a_bundle_and_a_chaining_certificate()
    {
        Assert.Equal(NodeReasons.NodeNotDeclared, Check(_device.Tpm.CaDirectory).Check(_device.Hello(), "edge-a", null, Policy).ReasonCode);
        Assert.True(Check(_device.Tpm.CaDirectory, admitUndeclared: true).Check(_device.Hello(), "edge-a", null, Policy).Admitted);
        Assert.Equal(NodeReasons.EkCertRequired, Check(_device.Tpm.CaDirectory, admitUndeclared: true).Check(_device.Hello(withCertificate: false), "edge-a", null, Policy).ReasonCode);
        Assert.Equal(NodeReasons.EkCaNotConfigured, Check(admitUndeclared: true).Check(_device.Hello(), "edge-a", null, Policy).ReasonCode);
        Assert.Equal(EkCertificateReasons.Untrusted, Check(_other.Tpm.CaDirectory, admitUndeclared: true).Check(_device.Hello(), "edge-a", null, Policy).ReasonCode);
        // Declared without a pin: the same rules as undeclared.
        Assert.Equal(NodeReasons.NodeNotDeclared, Check(_device.Tpm.CaDirectory).Check(_device.Hello(), "edge-a", new NodeDeclaration("edge-a", "p"), Policy).ReasonCode);
    }

    [Fact]
    public void A_node_admitted_by_its_EK_CA_alone_keeps_the_EK_it_enrolled_with()
    {
        var byCa = Check(_device.Tpm.CaDirectory, admitUndeclared: true);
        byte[] deviceEk = [.. _device.EkPublic.ToBytes()], otherEk = [.. _other.EkPublic.ToBytes()];
        foreach (var declaration in new[] { null, new NodeDeclaration("edge-a", "p") })
        {
            Assert.True(byCa.Check(_device.Hello(), "edge-a", declaration, Policy, enrolledEkPublic: deviceEk).Admitted);
            // Enrolled with another TPM: this one's certificate chains just as well, but the name is taken.
            var takeover = byCa.Check(_device.Hello(), "edge-a", declaration, Policy, enrolledEkPublic: otherEk);
            Assert.Equal(NodeReasons.EkPublicMismatch, takeover.ReasonCode);
            Assert.Contains($"enrolled with EK {_other.EkPublicSha256}", takeover.Detail);
            Assert.Contains("stays pinned", takeover.Detail);
        }
        // A declared pin is the operator's word: it moves the node to the TPM it names.
        Assert.True(Check().Check(_device.Hello(), "edge-a", ByHash, Policy, enrolledEkPublic: otherEk).Admitted);
    }

    [Fact]
    public void Malformed_hellos_and_non_attestation_keys_are_refused()
    {
        var check = Check();
        Assert.Equal(NodeReasons.MalformedHello, check.Check(null, "edge-a", ByHash, Policy).ReasonCode);
        Assert.Equal(NodeReasons.MalformedHello, check.Check(_device.Hello() with { NodeName = "edge-z" }, "edge-a", ByHash, Policy).ReasonCode);
        Assert.Equal(NodeReasons.MalformedHello, check.Check(_device.Hello() with { EkPublic = [1, 2, 3] }, "edge-a", ByHash, Policy).ReasonCode);
        Assert.Equal(NodeReasons.MalformedHello, check.Check(_device.Hello() with { AkPublic = new byte[4096] }, "edge-a", ByHash, Policy).ReasonCode);
        Assert.Equal(NodeReasons.MalformedHello, check.Check(_device.Hello() with { AkPublic = null! }, "edge-a", ByHash, Policy).ReasonCode);
        // The EK as "AK": a restricted decryption key cannot sign quotes.
        var ekAsAk = check.Check(_device.Hello(akPublic: _device.EkPublic.ToBytes()), "edge-a", ByHash, Policy);
        Assert.Equal(NodeReasons.AkAttributes, ekAsAk.ReasonCode);
        Assert.Contains("decrypt", ekAsAk.Detail);
    }
}
