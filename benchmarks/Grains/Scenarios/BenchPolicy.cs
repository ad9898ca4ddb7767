using OrleansAttest.Benchmarks.Simulation;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Benchmarks.Grains.Scenarios;

/// <summary>
/// The policy every benchmark node runs under: the boot PCRs quoted and all eight pinned to the simulated golden
/// firmware (so the static PCR evaluator does real work), the given interval, a response timeout of a third of it
/// (at most 10 s, the product default) and unreachableAfter of four intervals (at least the default 5 minutes).
/// </summary>
internal static class BenchPolicy
{
    public const string Name = "bench";
    public const string Selection = "sha256:0,1,2,3,4,5,6,7";

    public static AttestationPolicy Create(TimeSpan interval) => new()
    {
        Name = Name,
        QuoteInterval = interval,
        ResponseTimeout = ResponseTimeout(interval),
        UnreachableAfter = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(5).Ticks, interval.Ticks * 4)),
        PcrSelection = Selection,
        AllowedPcrValues = SimulatedFirmware.Golden.AllowedPcrValues(PcrSelection.ParseText(Selection)),
    };

    public static TimeSpan ResponseTimeout(TimeSpan interval) => TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(10).Ticks, interval.Ticks / 3));

    public static async Task SetAsync(IGrainFactory factory, AttestationPolicy policy)
    {
        var result = await factory.GetGrain<IPolicyGrain>(policy.Name).SetAsync(policy);
        if (!result.Accepted)
            throw new InvalidOperationException($"the benchmark policy was refused: {result.ReasonCode}: {result.Detail}");
    }
}
