using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Tests.Support;

/// <summary>Policies with test timings: a quote every 2 s, 1.5 s to answer, unreachable after 8 s.</summary>
public static class TestPolicies
{
    public const string BootPcrs = "sha256:0,1,2,3,4,5,6,7";

    public static AttestationPolicy Fast(string name, IReadOnlyDictionary<string, string[]>? allowed = null) => new()
    {
        Name = name,
        QuoteInterval = TimeSpan.FromSeconds(2),
        ResponseTimeout = TimeSpan.FromSeconds(1.5),
        UnreachableAfter = TimeSpan.FromSeconds(8),
        PcrSelection = BootPcrs,
        AllowedPcrValues = allowed ?? new Dictionary<string, string[]>(),
    };

    /// <summary>Stores <paramref name="policy"/> and asserts it was accepted.</summary>
    public static async Task SetAsync(IGrainFactory factory, AttestationPolicy policy)
    {
        var result = await factory.GetGrain<IPolicyGrain>(policy.Name).SetAsync(policy);
        Assert.True(result.Accepted, $"policy refused: {result.ReasonCode}: {result.Detail}");
    }

    /// <summary>Simulated firmware: extends PCRs 0-7 with fixed measurements, so every such boot yields the same values.</summary>
    public static async Task MeasureGoodBootAsync(SwtpmAgent agent)
    {
        for (int pcr = 0; pcr < 8; pcr++)
            await agent.ExtendAsync(pcr, $"golden component {pcr}");
    }

    /// <summary>The current sha256 values of PCRs 0-7 as a pin-everything allow list.</summary>
    public static async Task<Dictionary<string, string[]>> PinCurrentAsync(SwtpmAgent agent)
    {
        var allowed = new Dictionary<string, string[]>();
        for (int pcr = 0; pcr < 8; pcr++)
            allowed[$"sha256:{pcr}"] = [await agent.ReadPcrAsync(pcr)];
        return allowed;
    }
}
