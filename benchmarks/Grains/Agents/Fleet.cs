using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansAttest.Benchmarks.Simulation;

namespace OrleansAttest.Benchmarks.Grains.Agents;

/// <summary>N simulated devices and their agents, created in parallel, enrolled with bounded concurrency.</summary>
internal sealed class Fleet : IDisposable
{
    private readonly SimulatedAgent[] _agents;

    private Fleet(SimulatedAgent[] agents) => _agents = agents;

    public IReadOnlyList<SimulatedAgent> Agents => _agents;

    public int Count => _agents.Length;

    /// <summary>Devices named <paramref name="prefix"/>-000000 upward from <paramref name="first"/>, each with fresh keys.</summary>
    public static Fleet Create(string prefix, int first, int count, IGrainFactory factory, AgentRecorder recorder, TimeSpan responseTimeout)
    {
        var agents = new SimulatedAgent[count];
        Parallel.For(0, count, i =>
        {
            var device = SimulatedDevice.Create($"{prefix}-{first + i:D6}");
            agents[i] = new SimulatedAgent(device, factory, recorder, responseTimeout);
        });
        return new Fleet(agents);
    }

    /// <summary>
    /// Enrolls every node, at most <paramref name="concurrency"/> at a time, each until its first verdict; reports
    /// progress to standard error every few seconds. With <paramref name="spreadOver"/> node i starts no earlier than
    /// i/N of it, so the nodes' timers get phases spread as in a fleet that enrolled over time.
    /// </summary>
    public async Task<EnrollmentSummary> EnrollAsync(string policyName, int concurrency, TimeSpan firstVerdictTimeout, string label, CancellationToken cancellationToken,
        TimeSpan spreadOver = default)
    {
        var outcomes = new ConcurrentBag<EnrollmentOutcome>();
        var started = Stopwatch.StartNew();
        int done = 0;
        using var progress = new Timer(_ => Console.Error.WriteLine(
            $"  {label}: {Volatile.Read(ref done):N0}/{Count:N0} enrolled after {started.Elapsed.TotalSeconds:F0} s"), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        await Parallel.ForEachAsync(Enumerable.Range(0, _agents.Length), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var agent = _agents[index];
                var startAt = spreadOver * ((double)index / _agents.Length);
                if (startAt > started.Elapsed)
                    await Task.Delay(startAt - started.Elapsed, token);
                outcomes.Add(await agent.EnrollAsync(policyName, firstVerdictTimeout, token));
                Interlocked.Increment(ref done);
            });
        return new EnrollmentSummary([.. outcomes], started.Elapsed);
    }

    public void Dispose()
    {
        foreach (var agent in _agents)
            agent?.Device.Dispose();
    }
}
