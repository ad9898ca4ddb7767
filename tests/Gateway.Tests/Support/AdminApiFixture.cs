using OrleansAttest.Fixtures.Cluster.Admin;

namespace OrleansAttest.Gateway.Tests.Support;

/// <summary>A silo with the grains and the admin API in front of it, shared by one test class.</summary>
public sealed class AdminApiFixture : IAsyncLifetime
{
    private AdminApiCluster? _api;

    public AdminApiCluster Api => _api ?? throw new InvalidOperationException("the admin API is not started");

    public async ValueTask InitializeAsync() => _api = await AdminApiCluster.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_api is not null)
            await _api.DisposeAsync();
    }
}
