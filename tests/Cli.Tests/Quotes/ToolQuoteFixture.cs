using System.Security.Cryptography;
using OrleansAttest.Fixtures;

namespace OrleansAttest.Cli.Tests.Quotes;

/// <summary>
/// One freshly manufactured swtpm for the class, driven only by real tpm2-tools: PCR 7 and 16 extended, the RSA EK,
/// AKs rsa (RSASSA), pss (RSAPSS), ecc (ECDSA), rsa2 and ecc2 (other AKs of the same kinds, for "wrong key"
/// cases) and sha1 (ECDSA-SHA1), each with a quote over <see cref="Selection"/> (serialized PCR file) and a second
/// quote written with <c>-F values</c>. All files stay in the instance directory, where both verifiers read them.
/// </summary>
public sealed class ToolQuoteFixture : IAsyncLifetime
{
    public const string Selection = "sha256:0,1,2,3,4,5,6,7,16";

    /// <summary>AK name → (tpm2-tools key type, signing scheme, scheme hash).</summary>
    private static readonly (string Kind, string Type, string Scheme, string Hash)[] Keys =
    [
        ("rsa", "rsa", "rsassa", "sha256"),
        ("pss", "rsa", "rsapss", "sha256"),
        ("ecc", "ecc", "ecdsa", "sha256"),
        ("rsa2", "rsa", "rsassa", "sha256"),
        ("ecc2", "ecc", "ecdsa", "sha256"),
        ("sha1", "ecc", "ecdsa", "sha1"),
    ];

    private SwtpmInstance? _tpm;

    public SwtpmInstance Tpm => _tpm ?? throw new InvalidOperationException("the swtpm fixture did not start");

    public string Directory => Tpm.Directory;

    public string NonceHex { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public string Path(string file) => System.IO.Path.Combine(Directory, file);

    public byte[] Read(string file) => File.ReadAllBytes(Path(file));

    /// <summary>Writes a derived evidence file into the instance directory and returns its full path.</summary>
    public string Write(string file, byte[] bytes)
    {
        File.WriteAllBytes(Path(file), bytes);
        return Path(file);
    }

    public async ValueTask InitializeAsync()
    {
        _tpm = await SwtpmInstance.StartAsync();
        await RunAsync("tpm2_pcrextend", "7:sha256=" + Convert.ToHexStringLower(SHA256.HashData("secureboot"u8)));
        await RunAsync("tpm2_pcrextend", "16:sha256=" + Convert.ToHexStringLower(SHA256.HashData("hello"u8)));
        await RunAsync("tpm2_createek", "-c", "ek.ctx", "-G", "rsa", "-u", "ek.pub");
        await RunAsync("tpm2_readpublic", "-c", "ek.ctx", "-n", "ek.name");
        foreach (var (kind, type, scheme, hash) in Keys)
        {
            await RunAsync("tpm2_createak", "-C", "ek.ctx", "-c", $"ak_{kind}.ctx", "-G", type, "-g", hash, "-s", scheme,
                "-u", $"ak_{kind}.pub", "-n", $"ak_{kind}.name");
            await RunAsync("tpm2_quote", "--scheme", scheme, "-c", $"ak_{kind}.ctx", "-l", Selection, "-q", NonceHex, "-g", hash,
                "-m", $"quote_{kind}.msg", "-s", $"quote_{kind}.sig", "-o", $"quote_{kind}.pcrs");
            await RunAsync("tpm2_quote", "--scheme", scheme, "-c", $"ak_{kind}.ctx", "-l", Selection, "-q", NonceHex, "-g", hash,
                "-m", $"quote_{kind}_v.msg", "-s", $"quote_{kind}_v.sig", "-o", $"quote_{kind}_v.values", "-F", "values");
        }
        await RunAsync("tpm2_readpublic", "-c", "ak_rsa.ctx", "-f", "pem", "-o", "ak_rsa.pem");
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
