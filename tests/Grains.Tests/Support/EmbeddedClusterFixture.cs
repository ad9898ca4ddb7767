using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Admission;

namespace OrleansAttest.Grains.Tests.Support;

/// <summary>
/// One embedded-Garnet silo shared by a test class (each test uses its own node names and swtpm). No EK CA bundle:
/// nodes are declared by EK public hash. Challenges live 3 s so expiry is testable.
/// </summary>
public sealed class EmbeddedClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromSeconds(3);

    private AttestCluster? _cluster;

    public AttestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster is not started");

    public IGrainFactory Factory => Cluster.GrainFactory;

    public async ValueTask InitializeAsync()
    {
        _cluster = await AttestCluster.StartAsync(GrainCluster.Options(GrainCluster.EmbeddedStorage(), 1,
            admission: (AdmissionOptions o) => o.ChallengeLifetime = ChallengeLifetime));
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }
}
