using System.Net;
using OrleansAttest.Fixtures.Cluster.Admin;
using OrleansAttest.Gateway.Admin;
using OrleansAttest.Gateway.Tests.Support;

namespace OrleansAttest.Gateway.Tests.Admin;

/// <summary>With the silo gone the API answers 503 cluster-unavailable (and still checks the token first).</summary>
public sealed class ClusterUnavailableTests
{
    [Fact]
    public async Task Requests_get_503_when_the_cluster_is_unreachable()
    {
        await using var api = await AdminApiCluster.StartAsync();
        await (await api.Client.GetAsync("/api/v1/policies", TestContext.Current.CancellationToken)).AssertOkAsync();

        await api.Cluster.KillSiloAsync(api.Cluster.Silos[0]);

        var detail = await (await api.Client.GetAsync("/api/v1/nodes/any-node", TestContext.Current.CancellationToken))
            .AssertProblemAsync(HttpStatusCode.ServiceUnavailable, AdminReasons.ClusterUnavailable);
        Assert.Contains("nothing was changed", detail);
        await (await api.Client.PutJsonAsync("/api/v1/policies/p", "{}")).AssertProblemAsync(HttpStatusCode.ServiceUnavailable, AdminReasons.ClusterUnavailable);
        using var anonymous = api.NewClient(token: null);
        await (await anonymous.GetAsync("/api/v1/nodes", TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.Unauthorized, AdminReasons.TokenMissing);
        Assert.Contains(api.Host.Log, l => l.Contains("the verifier cluster is unreachable"));
    }
}
