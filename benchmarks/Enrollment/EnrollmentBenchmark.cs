using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAttest.Fixtures;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Gateway.Hosting;
using OrleansAttest.Gateway.Options;
using OrleansAttest.Gateway.Tls;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Grains.Hosting;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Silo.Storage;
using OrleansAttest.Tpm.Credentials;
using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.Device.Transport;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Benchmarks.Enrollment;

/// <summary>
/// One embedded-Garnet silo and one gateway (TLS, development CA) in this process, started once. Each run manufactures
/// a fresh swtpm, measures a golden boot into PCRs 0-7, declares the node (EK hash, policy pinning those PCRs) and times
/// a new edge-agent process from Process.Start to its credentials file appearing (a new state directory: the AK is
/// created). Then the node is deleted and declared again, the credentials removed, and the agent started again on the
/// same state directory: the same measurement with an existing AK. swtpm manufacturing is outside the timings.
/// </summary>
internal static class EnrollmentBenchmark
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);
    private const string PolicyName = "enrollment-bench";

    /// <summary>Print each agent's timestamped log (where the time goes).</summary>
    public static bool ShowAgentLog { get; set; }

    /// <summary>The edge-agent.dll started for each run: the Release build beside this benchmark unless --agent names another.</summary>
    public static string AgentPath { get; set; } = typeof(EnrollmentBenchmark).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "EdgeAgentPath").Value!;

    public static async Task<int> RunAsync(int runs, string[] algorithms, FileInfo? json, CancellationToken cancellationToken)
    {
        var tls = TestDirectory.Create("enroll-bench-tls");
        DevelopmentCertificateAuthority.EnsureCreated(tls);
        var caPath = Path.Combine(tls, DevelopmentCertificateAuthority.CaFileName);
        await using var cluster = await AttestCluster.StartAsync(new AttestClusterOptions
        {
            Storage = new StorageOptions
            {
                Mode = StorageMode.Embedded,
                DataDirectory = TestDirectory.Create("enroll-bench-silo"),
                GarnetPort = FreeTcpPort.Next(),
                GarnetMemory = "64m",
                GarnetIndex = "1m",
            },
            ConfigureSilo = silo =>
            {
                silo.Services.AddAttestationGrains();
                silo.Services.AddRedisAuditLog();
            },
        }, cancellationToken);
        var (gateway, address) = await StartGatewayAsync(cluster.GrainFactory, tls);
        await using var _ = gateway;
        Console.Error.WriteLine($"silo and gateway up ({address}); agent {AgentPath}");

        var results = new List<EnrollmentResult>();
        var failures = 0;
        foreach (var algorithm in algorithms)
        {
            var fresh = new List<double>();
            var existing = new List<double>();
            // One unmeasured warm-up per algorithm: the first run also pays the silo's and gateway's JIT.
            for (int run = -1; run < runs && !cancellationToken.IsCancellationRequested; run++)
            {
                try
                {
                    var (newAk, oldAk) = await OneRunAsync(cluster.GrainFactory, address, caPath, algorithm, run, cancellationToken);
                    if (run < 0)
                        continue;
                    fresh.Add(newAk.TotalSeconds);
                    existing.Add(oldAk.TotalSeconds);
                    Console.Error.WriteLine($"{algorithm} run {run + 1}/{runs}: new AK {newAk.TotalMilliseconds:F0} ms, existing AK {oldAk.TotalMilliseconds:F0} ms");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures++;
                    Console.Error.WriteLine($"{algorithm} run {run + 1}: FAILED: {e.Message}");
                }
            }
            if (fresh.Count > 0)
            {
                results.Add(new EnrollmentResult(algorithm, "new", fresh));
                results.Add(new EnrollmentResult(algorithm, "existing", existing));
            }
        }

        Console.WriteLine($"Enrollment latency: edge-agent process start -> credentials file on disk (swtpm, gateway over TLS, embedded silo); {runs} runs each; load {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"{"AK",-4} {"AK state",-9} {"runs",5} {"median s",9} {"p99 s",7} {"min s",7} {"max s",7}");
        foreach (var r in results)
            Console.WriteLine($"{r.Algorithm,-4} {r.Ak,-9} {r.Seconds.Count,5} {r.Median,9:F3} {r.P99,7:F3} {r.Min,7:F3} {r.Max,7:F3}");
        if (failures > 0)
            Console.WriteLine($"{failures} run(s) failed");
        if (json is not null)
            await File.WriteAllTextAsync(json.FullName, JsonSerializer.Serialize(results.Select(r => new
            {
                r.Algorithm, r.Ak, Runs = r.Seconds.Count, r.Median, r.P99, r.Min, r.Max, r.Seconds,
            }), new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        TestDirectory.TryDelete(tls);
        return failures == 0 ? 0 : 1;
    }

    private static async Task<(TimeSpan NewAk, TimeSpan ExistingAk)> OneRunAsync(IGrainFactory grains, string gateway, string caPath, string algorithm, int run,
        CancellationToken cancellationToken)
    {
        await using var tpm = await SwtpmInstance.StartAsync(cancellationToken);
        var node = $"enroll-{algorithm}-{run + 1}-{Guid.NewGuid():N}"[..28];
        var state = TestDirectory.Create("enroll-bench-agent");
        try
        {
            string ekHash;
            Dictionary<string, string[]> allowed;
            // Firmware measures a good boot; the operator pins it. swtpm serves one connection: closed before the agent starts.
            await using (var client = new TpmClient(new SwtpmTransport("127.0.0.1", tpm.Port)))
            {
                for (int pcr = 0; pcr < 8; pcr++)
                    await client.ExtendPcrAsync(pcr, [(TpmAlgorithm.Sha256, SHA256.HashData(Encoding.UTF8.GetBytes($"golden component {pcr}")))], cancellationToken);
                var read = await client.ReadPcrsAsync(PcrSelection.ParseText("sha256:0,1,2,3,4,5,6,7"), cancellationToken);
                allowed = Enumerable.Range(0, 8).ToDictionary(p => $"sha256:{p}", p => new[] { Convert.ToHexStringLower(read.Get(TpmAlgorithm.Sha256, p)) });
                await using var ek = await client.GetEndorsementKeyAsync(cancellationToken: cancellationToken);
                ekHash = EkPublicHash.Compute(ek.Public);
            }
            var policy = await grains.GetGrain<IPolicyGrain>(PolicyName).SetAsync(new AttestationPolicy { Name = PolicyName, AllowedPcrValues = allowed });
            if (!policy.Accepted)
                throw new InvalidOperationException($"policy refused: {policy.ReasonCode}: {policy.Detail}");
            var grain = grains.GetGrain<IEdgeNodeGrain>(node);
            await DeclareAsync(grain, node, ekHash);
            var credentials = Path.Combine(state, "credentials", CredentialOptions.DefaultFileName);
            string[] arguments = ["--gateway", gateway, "--ca", caPath, "--node", node, "--tpm", tpm.TpmUri, "--state-dir", state,
                "--event-log", Path.Combine(state, "none"), "--ak-algorithm", algorithm];

            var newAk = await TimeToCredentialsAsync(arguments, credentials, cancellationToken);

            // Existing AK: the node starts over (deleted and declared again), the agent keeps its state directory.
            await grain.DeleteAsync();
            await DeclareAsync(grain, node, ekHash);
            File.Delete(credentials);
            var existingAk = await TimeToCredentialsAsync(arguments, credentials, cancellationToken);
            await grain.DeleteAsync();
            return (newAk, existingAk);
        }
        finally
        {
            TestDirectory.TryDelete(state);
        }
    }

    private static async Task DeclareAsync(IEdgeNodeGrain grain, string node, string ekHash)
    {
        var declared = await grain.DeclareAsync(new NodeDeclaration(node, PolicyName, EkPublicSha256: ekHash));
        if (!declared.Declared)
            throw new InvalidOperationException($"declaration refused: {declared.ReasonCode}: {declared.Detail}");
    }

    /// <summary>Starts edge-agent, waits for <paramref name="credentials"/> to exist, stops the agent (SIGTERM).</summary>
    private static async Task<TimeSpan> TimeToCredentialsAsync(string[] arguments, string credentials, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(AgentPath);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        var watch = new Stopwatch();
        // Each line stamped with when it arrived since Process.Start (for --agent-log breakdowns).
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine($"[{watch.ElapsedMilliseconds,5} ms] {e.Data}"); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine($"[{watch.ElapsedMilliseconds,5} ms] {e.Data}"); };
        watch.Start();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // The file appears by rename, whole: its existence is the moment the credentials are on disk.
            while (!File.Exists(credentials))
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"edge-agent exited with {process.ExitCode} before storing credentials:\n{output}");
                if (watch.Elapsed > RunTimeout)
                    throw new TimeoutException($"no credentials within {RunTimeout.TotalSeconds} s:\n{output}");
                await Task.Delay(1, cancellationToken);
            }
            var elapsed = watch.Elapsed;
            if (ShowAgentLog)
            {
                await Task.Delay(200, cancellationToken);
                lock (output)
                    Console.Error.WriteLine($"--- agent log, credentials on disk after {elapsed.TotalMilliseconds:F0} ms:\n{output}");
            }
            return elapsed;
        }
        finally
        {
            if (!process.HasExited)
            {
                using var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]);
                await kill.WaitForExitAsync(cancellationToken);
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await process.WaitForExitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
    }

    private static async Task<(WebApplication App, string Address)> StartGatewayAsync(IGrainFactory grains, string tlsDirectory)
    {
        var port = FreeTcpPort.Next();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(grains);
        builder.Services.AddAttestationGateway(o =>
        {
            o.ListenAddress = "127.0.0.1";
            o.Port = port;
            o.Tls.DevelopmentCaDirectory = tlsDirectory;
        });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var options = kestrel.ApplicationServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
            kestrel.ListenAttestationGateway(options, kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansAttest.Gateway"));
        });
        var app = builder.Build();
        app.MapAttestationGateway();
        await app.StartAsync();
        return (app, $"https://127.0.0.1:{port}");
    }
}
