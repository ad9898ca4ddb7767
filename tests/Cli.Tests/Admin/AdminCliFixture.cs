using OrleansAttest.Fixtures.Cluster.Admin;

namespace OrleansAttest.Cli.Tests.Admin;

/// <summary>A silo with the grains and the admin API, plus the token written to a file as an operator would hold it.</summary>
public sealed class AdminCliFixture : IAsyncLifetime
{
    private AdminApiCluster? _api;

    public AdminApiCluster Api => _api ?? throw new InvalidOperationException("the admin API is not started");

    public string TokenFile { get; } = Path.Combine(Path.GetTempPath(), "orleansattest-cli-token-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>--server, --ca and --token-file for this host, then <paramref name="arguments"/>.</summary>
    public string[] Args(params string[] arguments) =>
        [.. arguments, "--server", Api.Host.Address.ToString(), "--ca", Api.CaPath, "--token-file", TokenFile];

    public async ValueTask InitializeAsync()
    {
        _api = await AdminApiCluster.StartAsync();
        await File.WriteAllTextAsync(TokenFile, _api.Token + "\n");
    }

    public async ValueTask DisposeAsync()
    {
        File.Delete(TokenFile);
        if (_api is not null)
            await _api.DisposeAsync();
    }
}
