using System.Collections.Concurrent;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Grains.Storage;

namespace OrleansAttest.Grains.Tests.Unit;

/// <summary>Group commit: one write at a time, callers during a write share the next one, which snapshots when it starts.</summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task Callers_during_a_write_share_the_next_one_which_holds_every_change_and_fails_only_its_own_callers()
    {
        var writes = new ConcurrentQueue<TaskCompletionSource>();
        var snapshots = new ConcurrentQueue<int>();
        int value = 0;
        var commit = new GroupCommit(() =>
        {
            snapshots.Enqueue(Volatile.Read(ref value));
            var write = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            writes.Enqueue(write);
            return write.Task;
        });
        Assert.False(commit.Pending);

        value = 1;
        var first = commit.StoreAsync();
        value = 2;
        var second = commit.StoreAsync();
        value = 3;
        var third = commit.StoreAsync();
        Assert.Same(second, third);
        Assert.Equal([1], snapshots);
        Assert.True(commit.Pending);

        // The first write fails: its caller hears it; the queued write starts then, with everything changed so far.
        writes.ToArray()[0].SetException(new IOException("store unavailable"));
        await Assert.ThrowsAsync<IOException>(() => first);
        await Eventually.UntilAsync(() => Task.FromResult(snapshots.Count == 2), TimeSpan.FromSeconds(10), "the queued write started");
        Assert.Equal([1, 3], snapshots);
        Assert.False(second.IsCompleted);

        writes.ToArray()[1].SetResult();
        await second;
        Assert.False(commit.Pending);
    }
}
