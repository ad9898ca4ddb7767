namespace OrleansAttest.Grains.Storage;

/// <summary>
/// Group commit for a shard grain that stores all of its in-memory truth in one record (watchdog, cluster sync).
/// Writes never overlap (one ETag), and every caller that arrives while one runs shares the next one, whose snapshot is
/// taken when it starts — so the write a caller awaits holds the change it made before calling. A burst of n changes
/// costs a few writes, not n. Used from its grain's turns only (not thread-safe).
/// </summary>
public sealed class GroupCommit(Func<Task> write)
{
    private Task _writing = Task.CompletedTask;
    private TaskCompletionSource? _queued;

    /// <summary>True while a write runs or waits to start: a change already in memory may not be stored yet.</summary>
    public bool Pending => !_writing.IsCompleted || _queued is not null;

    /// <summary>Completes once a write that starts after this call is stored; faults with that write's error.</summary>
    public Task StoreAsync()
    {
        if (_queued is { } queued)
            return queued.Task;
        // Queued before it can start, so every caller from here until its snapshot joins it.
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queued = next;
        _ = WriteAfterAsync(_writing, next);
        return next.Task;
    }

    private async Task WriteAfterAsync(Task previous, TaskCompletionSource done)
    {
        try
        {
            await previous;
        }
        catch
        {
            // That write's callers saw its failure; this one writes the current state afresh.
        }
        if (ReferenceEquals(_queued, done))
            _queued = null;
        try
        {
            var writing = write();
            _writing = writing;
            await writing;
            done.SetResult();
        }
        catch (Exception e)
        {
            done.SetException(e);
        }
    }
}
