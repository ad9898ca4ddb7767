using OrleansAttest.EdgeAgent.Connection;

namespace OrleansAttest.Gateway.Tests.Unit;

public sealed class ReconnectBackoffTests
{
    [Fact]
    public void Delays_double_up_to_the_maximum_with_jitter_and_restart_after_a_reset()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8));
        var ceilings = new[] { 1.0, 2, 4, 8, 8, 8 };
        foreach (var ceiling in ceilings)
        {
            var delay = backoff.Next().TotalSeconds;
            Assert.InRange(delay, ceiling / 2, ceiling);
        }
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalSeconds, 0.5, 1);
    }

    [Fact]
    public void Jitter_spreads_a_fleet_that_reconnects_together()
    {
        var delays = Enumerable.Range(0, 50).Select(_ => new ReconnectBackoff(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)).Next()).Distinct().Count();
        Assert.True(delays > 40, $"only {delays} distinct first delays among 50 agents");
    }
}
