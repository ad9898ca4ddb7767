using System.Security.Cryptography;
using OrleansAttest.Fixtures;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Tests.Evidence;

/// <summary>
/// One freshly manufactured swtpm for the class: PCR 7 and 16 extended, the RSA EK, and three AKs made and used by
/// real tpm2-tools (rsassa, rsapss, ecdsa), each with a quote over <see cref="Selection"/>, plus a two-bank quote.
/// Files stay in the instance directory so tpm2_checkquote can read them.
/// </summary>
public sealed class SwtpmQuoteFixture : IAsyncLifetime
{
    public static readonly PcrSelection Selection = PcrSelection.ParseText("sha256:0,1,2,3,4,5,6,7,16");
    public static readonly PcrSelection TwoBanks = PcrSelection.ParseText("sha1:0,1,2,3,4,5,6,7,16+sha256:0,1,2,3,7,16");
    public static readonly string[] Kinds = ["rsa", "pss", "ecc"];

    private SwtpmInstance? _tpm;

    public SwtpmInstance Tpm => _tpm ?? throw new InvalidOperationException("the swtpm fixture did not start");

    public byte[] Nonce { get; } = RandomNumberGenerator.GetBytes(32);

    public string Path(string file) => System.IO.Path.Combine(Tpm.Directory, file);

    public byte[] Read(string file) => File.ReadAllBytes(Path(file));

    public async ValueTask InitializeAsync()
    {
        _tpm = await SwtpmInstance.StartAsync();
        await RunAsync("tpm2_pcrextend", "7:sha256=" + Convert.ToHexStringLower(SHA256.HashData("secureboot"u8)));
        await RunAsync("tpm2_pcrextend", "16:sha256=" + Convert.ToHexStringLower(SHA256.HashData("hello"u8)) + ",sha1=" + Convert.ToHexStringLower(SHA1.HashData("hello"u8)));
        await RunAsync("tpm2_pcrread", Selection.ToString(), "-o", "pcrs.values");
        await RunAsync("tpm2_createek", "-c", "ek.ctx", "-G", "rsa", "-u", "ek.pub");
        await RunAsync("tpm2_readpublic", "-c", "ek.ctx", "-n", "ek.name");
        var nonce = Convert.ToHexStringLower(Nonce);
        foreach (var (kind, alg, scheme) in new[] { ("rsa", "rsa", "rsassa"), ("pss", "rsa", "rsapss"), ("ecc", "ecc", "ecdsa") })
        {
            await RunAsync("tpm2_createak", "-C", "ek.ctx", "-c", $"ak_{kind}.ctx", "-G", alg, "-g", "sha256", "-s", scheme,
                "-u", $"ak_{kind}.pub", "-n", $"ak_{kind}.name");
            await RunAsync("tpm2_readpublic", "-c", $"ak_{kind}.ctx", "-f", "pem", "-o", $"ak_{kind}.pem");
            await RunAsync("tpm2_quote", "--scheme", scheme, "-c", $"ak_{kind}.ctx", "-l", Selection.ToString(), "-q", nonce, "-g", "sha256",
                "-m", $"quote_{kind}.msg", "-s", $"quote_{kind}.sig", "-o", $"quote_{kind}.pcrs");
        }
        await RunAsync("tpm2_quote", "--scheme", "rsassa", "-c", "ak_rsa.ctx", "-l", TwoBanks.ToString(), "-q", nonce, "-g", "sha256",
            "-m", "quote_two.msg", "-s", "quote_two.sig", "-o", "quote_two.pcrs");
    }

    public async ValueTask DisposeAsync()
    {
        if (_tpm is not null)
            await _tpm.DisposeAsync();
    }

    /// <summary>Runs a tool, then flushes: swtpm has no resource manager and only three object slots.</summary>
    private async Task RunAsync(string tool, params string[] arguments)
    {
        await Tpm.RunToolAsync(tool, arguments);
        await Tpm.FlushAllAsync();
    }
}
