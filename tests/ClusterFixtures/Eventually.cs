using System.Diagnostics;

namespace OrleansAttest.Fixtures.Cluster;

/// <summary>Poll-until-true with a deadline, for conditions that settle asynchronously (failover, reminders, restarts).</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every <paramref name="interval"/> (default 100 ms) until it is true; throws
    /// <see cref="TimeoutException"/> naming <paramref name="what"/> and the last exception when <paramref name="timeout"/> passes.
    /// Exceptions from the condition count as "not yet".</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition())
                    return;
                last = null;
            }
            catch (Exception e)
            {
                last = e;
            }
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"{what}: not true within {timeout.TotalSeconds:0.#} s" +
                    (last is null ? "" : $"; last error: {last.GetType().Name}: {last.Message}"), last);
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Retries <paramref name="action"/> until it returns without throwing, then returns its result.</summary>
    public static async Task<T> SucceedsAsync<T>(Func<Task<T>> action, TimeSpan timeout, string what, TimeSpan? interval = null)
    {
        T result = default!;
        await UntilAsync(async () =>
        {
            result = await action();
            return true;
        }, timeout, what, interval);
        return result;
    }
}
