using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansAttest.Grains.Interfaces;
using StackExchange.Redis;

namespace OrleansAttest.Silo.Storage;

public static class StorageSiloBuilderExtensions
{
    /// <summary>
    /// Wires clustering, grain state (provider <see cref="StorageNames.State"/>) and reminders to the Redis-protocol store
    /// described by <paramref name="options"/>; in Embedded mode also runs Garnet in this process for the host's whole life.
    /// Registers a shared <see cref="IConnectionMultiplexer"/> for other code (the audit log) and the options themselves.
    /// Throws <see cref="OptionsValidationException"/> naming every problem when the options are unusable.
    /// </summary>
    public static ISiloBuilder UseOrleansAttestStorage(this ISiloBuilder builder, StorageOptions options)
    {
        StorageOptionsValidator.ThrowIfInvalid(options);
        var services = builder.Services;
        services.AddSingleton(Options.Create(options));

        if (options.Mode == StorageMode.Embedded)
        {
            services.TryAddSingleton(sp => new EmbeddedGarnetServer(options, sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()));
            services.TryAddSingleton<EmbeddedGarnetHostedService>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedGarnetHostedService>());
        }

        if (options.EffectiveClustering == ClusteringMode.Redis)
        {
            builder.UseRedisClustering(o => o.ConfigurationOptions = RedisConfiguration(options));
        }
        else
        {
            // A single silo that is its own primary; advertise loopback unless the host chose an address. (Configure, not
            // PostConfigure: Orleans' own post-configuration fills in an interface address when none is set.)
            services.Configure<EndpointOptions>(o => o.AdvertisedIPAddress ??= IPAddress.Loopback);
            builder.UseDevelopmentClustering(o => o.Configure<IOptions<EndpointOptions>>((membership, endpoint) =>
                membership.PrimarySiloEndpoint ??= new IPEndPoint(endpoint.Value.AdvertisedIPAddress ?? IPAddress.Loopback, endpoint.Value.SiloPort)));
        }

        builder.AddRedisGrainStorage(StorageNames.State, state => state.Configure<IServiceProvider>((o, sp) =>
        {
            o.ConfigurationOptions = RedisConfiguration(options);
            o.GrainStorageSerializer = TaggedGrainStateSerializer.Create(sp);
        }));
        builder.AddReminders();
        builder.UseRedisReminderService(o => o.ConfigurationOptions = RedisConfiguration(options));

        // Connects in the background (no abort on first failure): in Embedded mode Garnet is not listening yet when this is built.
        services.TryAddSingleton<IConnectionMultiplexer>(_ =>
        {
            var configuration = RedisConfiguration(options);
            configuration.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(configuration);
        });
        return builder;
    }

    /// <summary>
    /// A fresh client configuration for the store (each provider owns its copy and its connection). Socket I/O runs on
    /// the .NET thread pool: StackExchange.Redis' default dedicated pipe scheduler spins and yields its own threads, and
    /// on a 2-core silo under load that was a third of the process's CPU (benchmarks/README.md "Fleet", CPU profile).
    /// </summary>
    public static ConfigurationOptions RedisConfiguration(StorageOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.EffectiveConnectionString);
        configuration.SocketManager = SocketManager.ThreadPool;
        return configuration;
    }
}
