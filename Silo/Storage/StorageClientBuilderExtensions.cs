using System.Net;
using Orleans.Configuration;

namespace OrleansAttest.Silo.Storage;

public static class StorageClientBuilderExtensions
{
    /// <summary>
    /// Lets an Orleans client (the Gateway, tests) find the silos configured with the same <paramref name="options"/>:
    /// the Redis membership table, or in Localhost clustering the given gateway endpoints (default 127.0.0.1:30000).
    /// </summary>
    public static IClientBuilder UseOrleansAttestClustering(this IClientBuilder builder, StorageOptions options, params IPEndPoint[] localhostGateways)
    {
        StorageOptionsValidator.ThrowIfInvalid(options);
        if (options.EffectiveClustering == ClusteringMode.Redis)
            return builder.UseRedisClustering(o => o.ConfigurationOptions = StorageSiloBuilderExtensions.RedisConfiguration(options));
        var gateways = localhostGateways.Length > 0 ? localhostGateways : [new IPEndPoint(IPAddress.Loopback, EndpointOptions.DEFAULT_GATEWAY_PORT)];
        return builder.UseStaticClustering(gateways);
    }
}
