using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Grains.Tests.Support;

namespace OrleansAttest.Grains.Tests.Cluster;

/// <summary>Policies are validated on write, versioned, stored, and deleted, on real storage.</summary>
public sealed class PolicyGrainTests(EmbeddedClusterFixture fixture) : IClassFixture<EmbeddedClusterFixture>
{
    [Fact]
    public async Task A_refused_write_changes_nothing_and_accepted_writes_bump_the_version()
    {
        var grain = fixture.Factory.GetGrain<IPolicyGrain>("versioned");
        Assert.Null(await grain.GetAsync());

        Assert.True((await grain.SetAsync(new AttestationPolicy { Name = "versioned" })).Accepted);
        var first = await grain.GetAsync();
        Assert.Equal(1, first!.Version);

        var refused = await grain.SetAsync(new AttestationPolicy
        {
            Name = "versioned",
            ResponseTimeout = TimeSpan.FromMinutes(1),
            AllowedHashes = ["sha256", "md4"],
        });
        Assert.False(refused.Accepted);
        Assert.Equal(PolicyValidator.InvalidReason, refused.ReasonCode);
        Assert.Contains("responseTimeout", refused.Detail);
        Assert.Contains("md4", refused.Detail);
        var unchanged = await grain.GetAsync();
        Assert.Equal(1, unchanged!.Version);
        Assert.Equal(first.ResponseTimeout, unchanged.ResponseTimeout);
        Assert.Equal(first.AllowedHashes, unchanged.AllowedHashes);

        var misnamed = await grain.SetAsync(new AttestationPolicy { Name = "other" });
        Assert.Equal(PolicyValidator.InvalidReason, misnamed.ReasonCode);

        Assert.True((await grain.SetAsync(new AttestationPolicy { Name = "versioned", AutoRecover = true })).Accepted);
        var second = await grain.GetAsync();
        Assert.Equal(2, second!.Version);
        Assert.True(second.AutoRecover);

        await grain.DeleteAsync();
        Assert.Null(await grain.GetAsync());
        Assert.True((await grain.SetAsync(new AttestationPolicy { Name = "versioned" })).Accepted);
        Assert.Equal(3, (await grain.GetAsync())!.Version); // a re-created policy never reuses a version
    }
}
