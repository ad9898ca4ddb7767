namespace OrleansAttest.Gateway.Tests.Support;

/// <summary>The end-to-end test classes share one silo (each test uses its own gateway, node names and swtpm).</summary>
[CollectionDefinition(Name)]
public sealed class GatewayClusterCollection : ICollectionFixture<GatewayClusterFixture>
{
    public const string Name = "gateway-cluster";
}
