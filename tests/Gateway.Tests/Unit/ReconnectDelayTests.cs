using OrleansAttest.EdgeAgent.Connection;

namespace OrleansAttest.Gateway.Tests.Unit;

/// <summary>The agent's wait after a refusal: the gateway's retry-after hint is a floor under the backoff, capped at an hour.</summary>
public sealed class ReconnectDelayTests
{
    [Fact]
    public void A_hint_longer_than_the_backoff_sets_the_delay()
    {
        var delay = ReconnectDelay.After(TimeSpan.FromSeconds(2), retryAfterMs: 12_345);
        Assert.Equal(TimeSpan.FromMilliseconds(12_345), delay.Delay);
        Assert.True(delay.FromHint);
        Assert.False(delay.HintCapped);
    }

    [Fact]
    public void A_shorter_hint_or_none_leaves_the_backoff()
    {
        var shorter = ReconnectDelay.After(TimeSpan.FromSeconds(8), retryAfterMs: 1_000);
        Assert.Equal(TimeSpan.FromSeconds(8), shorter.Delay);
        Assert.False(shorter.FromHint);
        var none = ReconnectDelay.After(TimeSpan.FromSeconds(3), retryAfterMs: 0);
        Assert.Equal(TimeSpan.FromSeconds(3), none.Delay);
        Assert.False(none.FromHint);
        Assert.Equal(TimeSpan.Zero, none.Hint);
    }

    [Fact]
    public void A_hint_above_the_sanity_cap_is_capped_at_an_hour()
    {
        var hostile = ReconnectDelay.After(TimeSpan.FromSeconds(1), retryAfterMs: uint.MaxValue);
        Assert.Equal(ReconnectDelay.MaxHint, hostile.Delay);
        Assert.Equal(TimeSpan.FromHours(1), hostile.Delay);
        Assert.True(hostile.HintCapped);
        var atCap = ReconnectDelay.After(TimeSpan.FromSeconds(1), retryAfterMs: 3_600_000);
        Assert.Equal(TimeSpan.FromHours(1), atCap.Delay);
        Assert.False(atCap.HintCapped);
    }

    [Fact]
    public void The_hint_is_a_floor_under_every_backoff_draw()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2));
        for (var i = 0; i < 20; i++)
            Assert.True(ReconnectDelay.After(backoff.Next(), 5_000).Delay >= TimeSpan.FromSeconds(5));
    }
}
