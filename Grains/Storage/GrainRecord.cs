using Orleans.Storage;

namespace OrleansAttest.Grains.Storage;

/// <summary>
/// One stored record of a grain whose name is chosen at run time (the <c>[PersistentState]</c> attribute needs it at
/// compile time): read and written by hand through the grain storage provider, with the same ETag checks.
/// </summary>
public sealed class GrainRecord<T>(IGrainStorage storage, string stateName, GrainId grainId) : IPersistentState<T> where T : new()
{
    private readonly GrainState<T> _record = new(new T());

    public string StateName => stateName;

    public T State
    {
        get => _record.State!;
        set => _record.State = value;
    }

    public string? Etag => _record.ETag;

    public bool RecordExists => _record.RecordExists;

    public Task ReadStateAsync() => storage.ReadStateAsync(stateName, grainId, _record);

    public Task WriteStateAsync() => storage.WriteStateAsync(stateName, grainId, _record);

    public Task ClearStateAsync() => storage.ClearStateAsync(stateName, grainId, _record);
}
