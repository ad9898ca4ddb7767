using System.Diagnostics;
using OrleansAttest.Benchmarks.Grains.Agents;
using OrleansAttest.Benchmarks.Grains.Hosting;
using OrleansAttest.Benchmarks.Grains.Measurement;
using OrleansAttest.Benchmarks.Grains.Reporting;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Benchmarks.Grains.Scenarios;

/// <summary>
/// Reactivation after a silo dies: a Debian redis-server (clustering, grain state, reminders, audit), S silos as child
/// processes with the fast-failover membership timings of tests/ClusterFixtures, and this process as the Gateway (an
/// Orleans client holding the simulated agents' observers). Once N nodes are attested and polling, the silo hosting
/// the most nodes is SIGKILLed. For its nodes: time from the kill to their next request and next passing verdict
/// (only the watchdog shards can bring them back: nobody calls them). For all nodes: no failed verdict, every node
/// Attested or Enrolled at the end with zero failures.
/// </summary>
internal static class FailoverScenario
{
    public static async Task<BenchReport> RunAsync(FailoverOptions options, CancellationToken cancellationToken)
    {
        var report = new BenchReport("failover");
        report.Parameter("nodes", options.Nodes).Parameter("silos", options.Silos).Parameter("interval", options.Interval)
            .Parameter("watchdog period", options.Watchdog).Parameter("settle", options.Settle).Parameter("enrollment spread over", options.Spread).Parameter("deadline", options.Deadline)
            .Parameter("membership", "fast failover: probe 2 s x 2 misses, 1 vote, table refresh 2 s; reminder list refresh 5 s")
            .Parameter("grain directory", options.DistributedDirectory ? "distributed (AddDistributedGrainDirectory, experiment)" : "Orleans default (product)")
            .Environment("at start");

        using var scratch = new ScratchDirectory("failover", options.KeepLogs);
        await using var redis = await RedisServerProcess.StartAsync(scratch.Sub("redis"), cancellationToken);
        var storage = redis.StorageOptions();
        var id = "bench-failover-" + Guid.NewGuid().ToString("N")[..8];
        var silos = new List<SiloProcess>();
        BenchClient? client = null;
        Fleet? fleet = null;
        try
        {
            Console.Error.WriteLine($"failover: starting {options.Silos} silo processes on redis-server {redis.ConnectionString}");
            for (int i = 1; i <= options.Silos; i++)
                silos.Add(await SiloProcess.StartAsync(new BenchSiloSettings
                {
                    ClusterId = id, ServiceId = id, Storage = storage, Name = $"silo{i}", WatchdogPeriod = options.Watchdog, FastFailover = true,
                    DistributedDirectory = options.DistributedDirectory,
                    GrainLogLevel = options.GrainLogs ? Microsoft.Extensions.Logging.LogLevel.Information : Microsoft.Extensions.Logging.LogLevel.Warning,
                }, redis.ConnectionString, scratch.Sub("logs"), cancellationToken));
            client = await BenchClient.StartAsync(id, id, storage, cancellationToken);
            var management = client.Client.GetGrain<IManagementGrain>(0);
            await UntilAsync(async () => (await management.GetHosts(onlyActive: true)).Count == options.Silos, TimeSpan.FromMinutes(1), "all silos active", cancellationToken);

            var policy = BenchPolicy.Create(options.Interval);
            await BenchPolicy.SetAsync(client.Client, policy);
            var recorder = new AgentRecorder(options.Interval * 1.1 + policy.ResponseTimeout);
            fleet = Fleet.Create("node", 0, options.Nodes, client.Client, recorder, policy.ResponseTimeout);
            var enrollment = await fleet.EnrollAsync(BenchPolicy.Name, options.Concurrency, TimeSpan.FromMinutes(5), "enrollment", cancellationToken, options.Spread);
            if (enrollment.Failed > 0)
                report.Fail($"{enrollment.Failed} nodes did not enroll: {string.Join("; ", enrollment.FirstFailures())}");
            Console.Error.WriteLine($"failover: {enrollment.Succeeded} nodes attested in {enrollment.Elapsed.TotalSeconds:F0} s; settling {options.Settle}");
            await Task.Delay(options.Settle, cancellationToken);

            // Where each node lives now.
            var hosts = new Dictionary<SimulatedAgent, SiloAddress?>();
            foreach (var agent in fleet.Agents)
                hosts[agent] = await management.GetActivationAddress(agent.Grain);
            var bySilo = hosts.Where(h => h.Value is not null).GroupBy(h => h.Value!).OrderByDescending(g => g.Count()).ToList();
            report.Result("nodes per silo before the kill", string.Join(" / ", bySilo.Select(g => g.Count())));
            var victimAddress = bySilo[0].Key;
            var victim = silos.Single(s => s.Settings.SiloPort == victimAddress.Endpoint.Port);
            var victimNodes = bySilo[0].Select(h => h.Key).ToArray();
            var survivorNodes = fleet.Agents.Except(victimNodes).ToArray();
            long failuresBefore = recorder.VerdictFailures;

            recorder.Reset();
            recorder.Recording = true;
            var killedAt = Stopwatch.GetTimestamp();
            foreach (var agent in fleet.Agents)
                agent.Mark(killedAt);
            Console.Error.WriteLine($"failover: SIGKILL {victim.Settings.Name} (pid {victim.ProcessId}), which hosts {victimNodes.Length} nodes");
            victim.Kill();

            // When the cluster declares it dead (membership), and when its nodes pass again.
            double? detectedSeconds = null;
            var detection = Task.Run(async () =>
            {
                while (!cancellationToken.IsCancellationRequested && Stopwatch.GetElapsedTime(killedAt) < options.Deadline)
                {
                    try
                    {
                        // Short timeout: the management grain may itself have lived on the dead silo.
                        var statuses = await management.GetHosts(onlyActive: false).WaitAsync(TimeSpan.FromSeconds(1), cancellationToken);
                        if (!statuses.TryGetValue(victimAddress, out var status) || status == SiloStatus.Dead)
                        {
                            detectedSeconds = Stopwatch.GetElapsedTime(killedAt).TotalSeconds;
                            return;
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // Ask again: a new management activation answers once the directory knows the silo is gone.
                    }
                    await Task.Delay(200, cancellationToken);
                }
            }, cancellationToken);
            var allBack = await TryUntilAsync(() => Task.FromResult(victimNodes.All(a => a.FirstPassAfterMark != 0) && survivorNodes.All(a => a.FirstPassAfterMark != 0)),
                options.Deadline, cancellationToken);
            await detection;
            // One more interval so a false failure right after the move would be seen.
            await Task.Delay(options.Interval, cancellationToken);
            recorder.Recording = false;

            var reactivation = victimNodes.Where(a => a.FirstPassAfterMark != 0).Select(a => Stopwatch.GetElapsedTime(killedAt, a.FirstPassAfterMark).TotalMilliseconds).ToArray();
            var repoll = victimNodes.Where(a => a.FirstRequestAfterMark != 0).Select(a => Stopwatch.GetElapsedTime(killedAt, a.FirstRequestAfterMark).TotalMilliseconds).ToArray();
            var survivors = survivorNodes.Where(a => a.FirstPassAfterMark != 0).Select(a => Stopwatch.GetElapsedTime(killedAt, a.FirstPassAfterMark).TotalMilliseconds).ToArray();
            var survivorRequests = survivorNodes.Where(a => a.FirstRequestAfterMark != 0).Select(a => Stopwatch.GetElapsedTime(killedAt, a.FirstRequestAfterMark).TotalMilliseconds).ToArray();

            var notTrusted = 0;
            long statusFailures = 0;
            var phases = new Dictionary<NodePhase, int>();
            foreach (var agent in fleet.Agents)
            {
                var status = await agent.Grain.GetStatusAsync();
                phases[status.Phase] = phases.GetValueOrDefault(status.Phase) + 1;
                statusFailures += status.Failures;
                // Enrolled = attested and holding acknowledged credentials: both are the trusted end state.
                if (status.Phase is not (NodePhase.Attested or NodePhase.Enrolled))
                    notTrusted++;
            }
            var movedAway = 0;
            foreach (var agent in victimNodes)
                if (await management.GetActivationAddress(agent.Grain) is { } now && !now.Equals(victimAddress))
                    movedAway++;

            report.Result("enrollment time", Math.Round(enrollment.Elapsed.TotalSeconds, 1), "s");
            report.Result("killed silo", $"{victim.Settings.Name} ({victimAddress})");
            report.Result("nodes on the killed silo", victimNodes.Length);
            report.Result("death declared after", detectedSeconds is { } d ? Math.Round(d, 2) : "not seen", "s", "membership table marks the silo Dead");
            report.Latency("kill → next request (killed silo's nodes)", Distribution.Of(repoll));
            report.Latency("kill → next passing verdict (killed silo's nodes)", Distribution.Of(reactivation));
            report.Result("killed silo's nodes back", reactivation.Length, "", $"of {victimNodes.Length} within {options.Deadline}; now hosted elsewhere: {movedAway}");
            report.Latency("kill → next request (other nodes)", Distribution.Of(survivorRequests));
            report.Latency("kill → next passing verdict (other nodes)", Distribution.Of(survivors));
            report.Result("failed verdicts after the kill", recorder.VerdictFailures, "", MemoryScenario.Reasons(recorder.FailuresByReason) ?? "must be 0");
            report.Result("failed verdicts before the kill", failuresBefore, "", "must be 0");
            report.Result("failures in node status", statusFailures, "", "sum of EdgeNodeStatus.Failures, must be 0");
            report.Result("nodes neither Attested nor Enrolled at the end", notTrusted, "", string.Join(", ", phases.Select(p => $"{p.Key} {p.Value}")));
            report.Result("answers refused without verdict", recorder.Refusals, "", MemoryScenario.Reasons(recorder.RefusalsByReason) ?? "none");
            report.Result("agent call errors", recorder.Errors, "", MemoryScenario.Reasons(recorder.ErrorsByType) ?? "none");
            report.Result("silo logs", options.KeepLogs ? scratch.Sub("logs") : "removed (use --keep-logs)");
            if (!allBack)
                report.Fail($"{victimNodes.Count(a => a.FirstPassAfterMark == 0)} nodes of the killed silo and {survivorNodes.Count(a => a.FirstPassAfterMark == 0)} others did not pass again within {options.Deadline}");
            if (recorder.VerdictFailures > 0 || failuresBefore > 0 || statusFailures > 0)
                report.Fail("a false Failed verdict was recorded");
            if (notTrusted > 0)
                report.Fail($"{notTrusted} nodes are neither Attested nor Enrolled at the end");
            report.Environment("at end");
            return report;
        }
        finally
        {
            if (client is not null)
                await client.DisposeAsync();
            fleet?.Dispose();
            foreach (var silo in silos)
                await silo.DisposeAsync();
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        if (!await TryUntilAsync(condition, timeout, cancellationToken))
            throw new TimeoutException($"{what}: not reached within {timeout}");
    }

    private static async Task<bool> TryUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            try
            {
                if (await condition())
                    return true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A cluster in the middle of a membership change can refuse a call; ask again.
            }
            await Task.Delay(200, cancellationToken);
        }
        return false;
    }
}
