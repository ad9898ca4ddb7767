using OrleansAttest.Fixtures;

namespace OrleansAttest.Cli.Tests.Device;

/// <summary>One freshly manufactured swtpm shared by the tests of a class (they run one after another).</summary>
public sealed class SwtpmFixture : IAsyncLifetime
{
    private SwtpmInstance? _tpm;

    public SwtpmInstance Tpm => _tpm ?? throw new InvalidOperationException("the swtpm fixture did not start");

    public async ValueTask InitializeAsync() => _tpm = await SwtpmInstance.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_tpm is not null)
            await _tpm.DisposeAsync();
    }

    /// <summary>The persistent RSA EK's Name as tpm2_readpublic writes it (raw bytes), in lower-case hex.</summary>
    public async Task<string> ReadEkNameHexAsync(string file = "ek_readpublic.name")
    {
        await Tpm.RunToolAsync("tpm2_readpublic", "-c", "0x81010001", "-n", file, "-o", Path.ChangeExtension(file, ".pub"));
        await Tpm.FlushAllAsync();
        return Convert.ToHexStringLower(await File.ReadAllBytesAsync(Path.Combine(Tpm.Directory, file)));
    }
}
