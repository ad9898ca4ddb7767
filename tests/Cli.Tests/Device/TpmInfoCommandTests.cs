using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansAttest.Cli.Tests.Support;
using OrleansAttest.Fixtures;

namespace OrleansAttest.Cli.Tests.Device;

/// <summary>`attestctl tpm info` against a real swtpm, its EK certificate judged against its own and another TPM's CA.</summary>
public sealed class TpmInfoCommandTests(SwtpmFixture fixture) : IClassFixture<SwtpmFixture>
{
    private Task<CliResult> InfoAsync(params string[] extra) =>
        Attestctl.RunAsync(["tpm", "info", "--tpm", fixture.Tpm.TpmUri, .. extra]);

    private static string Field(CliResult result, string label)
    {
        var line = Assert.Single(result.Lines, l => l.StartsWith(label + ":", StringComparison.Ordinal));
        return line[(label.Length + 1)..].Trim();
    }

    [Fact]
    public async Task Info_with_the_instance_ca_shows_the_ek_and_a_valid_certificate()
    {
        var result = (await InfoAsync("--ek-ca", fixture.Tpm.CaDirectory)).AssertExit(0);
        Assert.Equal("valid", Field(result, "EK cert validation"));
        Assert.Equal("RSA-2048 at 0x81010001", Field(result, "EK"));
        Assert.Equal(await fixture.ReadEkNameHexAsync(), Field(result, "EK name"));
        Assert.Equal("sha1, sha256", Field(result, "PCR banks"));
        Assert.StartsWith("IBM", Field(result, "manufacturer"));
        Assert.StartsWith("issued by CN=swtpm-localca", Field(result, "EK certificate"));
        Assert.Contains("model swtpm", Field(result, "TPM (from the cert)"));
        Assert.Empty(result.StdErr);
    }

    [Fact]
    public async Task Info_json_parses_and_its_ek_name_is_what_tpm2_readpublic_computes()
    {
        var result = (await InfoAsync("--json", "--ek-ca", fixture.Tpm.CaDirectory)).AssertExit(0);
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        var ekName = await fixture.ReadEkNameHexAsync("ek_json.name");
        Assert.Equal(ekName, root.GetProperty("ekName").GetString());
        // The declared-EK hash is SHA-256 over the TPMT_PUBLIC (the TPM2B_PUBLIC tpm2_readpublic -o wrote, minus its size).
        var ekPublic = await File.ReadAllBytesAsync(Path.Combine(fixture.Tpm.Directory, "ek_json.pub"), TestContext.Current.CancellationToken);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(ekPublic.AsSpan(2))), root.GetProperty("ekPublicSha256").GetString());
        Assert.Equal("valid", root.GetProperty("ekCertificateValidation").GetString());
        Assert.Equal("0x81010001", root.GetProperty("ekHandle").GetString());
        Assert.Equal(["sha1", "sha256"], root.GetProperty("pcrBanks").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal("CN=swtpm-localca", root.GetProperty("ekCertificateIssuer").GetString());
    }

    [Fact]
    public async Task Info_with_another_tpms_ca_reports_the_certificate_untrusted_with_exit_1()
    {
        await using var other = await SwtpmInstance.StartAsync(TestContext.Current.CancellationToken);

        var text = (await InfoAsync("--ek-ca", other.CaDirectory)).AssertExit(1);
        Assert.StartsWith("invalid: ek-cert-untrusted: ", Field(text, "EK cert validation"));
        var json = (await InfoAsync("--json", "--ek-ca", other.CaDirectory)).AssertExit(1);
        using (var document = JsonDocument.Parse(json.StdOut))
            Assert.StartsWith("invalid: ek-cert-untrusted: ", document.RootElement.GetProperty("ekCertificateValidation").GetString());

        // That CA is sound: it vouches for its own TPM's EK.
        var own = (await Attestctl.RunAsync("tpm", "info", "--tpm", other.TpmUri, "--ek-ca", other.CaDirectory)).AssertExit(0);
        Assert.Equal("valid", Field(own, "EK cert validation"));
        Assert.NotEqual(Field(own, "EK name"), Field(text, "EK name"));
    }

    [Fact]
    public async Task Info_without_a_ca_shows_the_certificate_without_judging_it()
    {
        var result = (await InfoAsync()).AssertExit(0);
        Assert.StartsWith("issued by CN=swtpm-localca", Field(result, "EK certificate"));
        Assert.DoesNotContain(result.Lines, l => l.StartsWith("EK cert validation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unusable_ca_bundle_or_tpm_address_is_exit_2_not_a_verdict()
    {
        using var scratch = new ScratchDirectory();
        var garbage = scratch.Write("garbage.pem", "not a certificate"u8.ToArray());
        (await InfoAsync("--ek-ca", garbage)).AssertUnusable("is not a PEM or DER certificate file");
        (await InfoAsync("--ek-ca", scratch.File("absent"))).AssertUnusable("neither a file nor a directory");

        (await Attestctl.RunAsync("tpm", "info", "--tpm", $"swtpm:127.0.0.1:{ClosedPort()}")).AssertUnusable("cannot connect");
        (await Attestctl.RunAsync("tpm", "info", "--tpm", "carrier-pigeon")).AssertUnusable("TPM address 'carrier-pigeon'");
    }

    /// <summary>A loopback port nobody listens on (taken, then released).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
