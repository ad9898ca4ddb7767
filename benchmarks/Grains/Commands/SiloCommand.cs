using System.CommandLine;
using Microsoft.Extensions.Logging;
using OrleansAttest.Benchmarks.Grains.Hosting;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Benchmarks.Grains.Commands;

/// <summary>
/// Hidden <c>silo</c> command: one benchmark silo on an external Redis-protocol store, run as a child process by the
/// failover scenario. Prints "silo-ready ADDRESS" once active; stops gracefully when its standard input closes or on SIGTERM.
/// </summary>
internal static class SiloCommand
{
    public static Command Create()
    {
        var redis = new Option<string>("--redis") { Description = "connection string of the store", Required = true };
        var clusterId = new Option<string>("--cluster-id") { Required = true };
        var serviceId = new Option<string>("--service-id") { Required = true };
        var name = new Option<string>("--name") { DefaultValueFactory = _ => "silo" };
        var siloPort = Options.Int("--silo-port", "silo-to-silo port", 11111);
        var gatewayPort = Options.Int("--gateway-port", "client port", 30000);
        var watchdog = Options.Duration("--watchdog", "OrleansAttest:Polling:WatchdogPeriod", TimeSpan.FromMinutes(1));
        var fastFailover = new Option<bool>("--fast-failover") { DefaultValueFactory = _ => true };
        var grainLogLevel = new Option<LogLevel>("--grain-log-level") { DefaultValueFactory = _ => LogLevel.Warning };
        var distributedDirectory = new Option<bool>("--distributed-directory");
        var command = new Command("silo", "(internal) run one benchmark silo on an external store until standard input closes")
        {
            redis, clusterId, serviceId, name, siloPort, gatewayPort, watchdog, fastFailover, grainLogLevel, distributedDirectory,
        };
        command.Hidden = true;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new BenchSiloSettings
            {
                ClusterId = parse.GetRequiredValue(clusterId),
                ServiceId = parse.GetRequiredValue(serviceId),
                Storage = new StorageOptions { Mode = StorageMode.Redis, ConnectionString = parse.GetRequiredValue(redis) },
                Name = parse.GetValue(name)!,
                SiloPort = parse.GetValue(siloPort),
                GatewayPort = parse.GetValue(gatewayPort),
                WatchdogPeriod = parse.GetValue(watchdog),
                FastFailover = parse.GetValue(fastFailover),
                GrainLogLevel = parse.GetValue(grainLogLevel),
                DistributedDirectory = parse.GetValue(distributedDirectory),
            };
            var host = await BenchSilo.StartAsync(settings, cancellationToken);
            var details = (ILocalSiloDetails)host.Services.GetService(typeof(ILocalSiloDetails))!;
            Console.WriteLine($"{SiloProcess.ReadyLine} {details.SiloAddress}");
            var stdinClosed = Task.Run(async () =>
            {
                using var input = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (await input.ReadAsync(buffer) > 0)
                {
                }
            }, CancellationToken.None);
            await Task.WhenAny(stdinClosed, Task.Delay(Timeout.Infinite, cancellationToken));
            await BenchSilo.StopAsync(host);
            return 0;
        });
        return command;
    }
}
