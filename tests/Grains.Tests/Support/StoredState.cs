using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Tests.Support;

/// <summary>A grain's stored record as a new activation would read it, through the silo's own grain storage.</summary>
public static class StoredState
{
    /// <summary>The record of <paramref name="grain"/>'s state <paramref name="stateName"/>, or null when none is stored.</summary>
    public static async Task<T?> ReadAsync<T>(AttestCluster cluster, IAddressable grain, string stateName) where T : class, new()
    {
        var storage = cluster.Silos[0].Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.State);
        var record = new GrainState<T>(new T());
        await storage.ReadStateAsync(stateName, grain.GetGrainId(), record);
        return record.RecordExists ? record.State : null;
    }

    /// <summary>Stores <paramref name="state"/> as the record a grain that has not been activated yet will read.</summary>
    public static Task WriteAsync<T>(AttestCluster cluster, IAddressable grain, string stateName, T state) where T : class, new()
    {
        var storage = cluster.Silos[0].Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.State);
        return storage.WriteStateAsync(stateName, grain.GetGrainId(), new GrainState<T>(state));
    }
}
