using OrleansAttest.Gateway.Agents;
using OrleansAttest.Gateway.Options;

namespace OrleansAttest.Gateway.Tests.Unit;

/// <summary>The gateway-busy retry-after hint: queue over measured rate, jittered, clamped; a default before any rate.</summary>
public sealed class RetryAfterHintTests
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(0.0, 20.0)]
    [InlineData(0.5, 40.0)]
    [InlineData(0.999999, 60.0)]
    public void With_a_measured_rate_the_hint_is_the_queue_over_the_rate_spread_over_half_to_one_and_a_half_times(double uniform, double expectedSeconds)
    {
        // 1,000 handshakes ahead, 25 completing per second: 40 s to drain.
        var hint = RetryAfterHint.Compute(queued: 1000, perSecond: 25, limit: 256, HandshakeTimeout, Max, uniform);
        Assert.Equal(expectedSeconds, hint.TotalSeconds, precision: 3);
    }

    [Fact]
    public void Jitter_spreads_the_hints_of_agents_refused_together_over_the_whole_band()
    {
        var hints = Enumerable.Range(0, 200)
            .Select(_ => RetryAfterHint.Compute(1000, 25, 256, HandshakeTimeout, Max, Random.Shared.NextDouble()).TotalSeconds).ToList();
        Assert.All(hints, h => Assert.InRange(h, 20, 60));
        Assert.True(hints.Distinct().Count() > 150, $"only {hints.Distinct().Count()} distinct hints among 200 refusals");
        Assert.True(hints.Min() < 30 && hints.Max() > 50, $"hints span only {hints.Min():0.0}–{hints.Max():0.0} s");
    }

    [Fact]
    public void Without_a_measured_rate_the_hint_is_the_queue_in_slots_times_half_the_handshake_timeout()
    {
        // 512 ahead of 256 slots, each slot up to 15 s: 30 s, jitter centre.
        Assert.Equal(30, RetryAfterHint.Compute(512, perSecond: null, limit: 256, HandshakeTimeout, Max, 0.5).TotalSeconds, precision: 3);
        Assert.Equal(30, RetryAfterHint.Compute(512, perSecond: 0, limit: 256, HandshakeTimeout, Max, 0.5).TotalSeconds, precision: 3);
    }

    [Fact]
    public void The_hint_is_clamped_to_one_second_and_to_the_maximum_and_a_long_queue_still_spreads_below_the_maximum()
    {
        Assert.Equal(RetryAfterHint.Minimum, RetryAfterHint.Compute(1, 1000, 256, HandshakeTimeout, Max, 0));
        Assert.Equal(RetryAfterHint.Minimum, RetryAfterHint.Compute(0, null, 256, HandshakeTimeout, Max, 0.9));
        // 100,000 ahead at 35/s is 48 minutes; the hint stays within [max/3, max] and is not one value for everyone.
        var low = RetryAfterHint.Compute(100_000, 35, 256, HandshakeTimeout, Max, 0);
        var high = RetryAfterHint.Compute(100_000, 35, 256, HandshakeTimeout, Max, 0.999999);
        Assert.Equal(Max / 3, low);
        Assert.InRange(high, Max - TimeSpan.FromMilliseconds(1), Max);
        Assert.All(Enumerable.Range(0, 100), _ =>
            Assert.InRange(RetryAfterHint.Compute(100_000, 35, 256, HandshakeTimeout, Max, Random.Shared.NextDouble()), RetryAfterHint.Minimum, Max));
    }

    [Fact]
    public void The_rate_counts_completions_in_the_sliding_window_and_forgets_older_ones()
    {
        var rate = new HandshakeRate();
        Assert.Null(rate.PerSecond(TimeSpan.FromSeconds(5)));
        // 20 completions per second for 30 s.
        for (var ms = 0; ms < 30_000; ms += 50)
            rate.Record(TimeSpan.FromMilliseconds(ms));
        Assert.Equal(20, rate.PerSecond(TimeSpan.FromSeconds(30))!.Value, precision: 0);
        // Young measurement: 10 completions within the first half second count over one second, not over the window.
        var young = new HandshakeRate();
        for (var i = 0; i < 10; i++)
            young.Record(TimeSpan.FromMilliseconds(i * 50));
        Assert.Equal(10, young.PerSecond(TimeSpan.FromMilliseconds(500))!.Value, precision: 6);
        Assert.Equal(5, young.PerSecond(TimeSpan.FromSeconds(2))!.Value, precision: 6);
        // Nothing completed for longer than the window: no rate, not a stale one.
        Assert.Null(rate.PerSecond(TimeSpan.FromSeconds(30) + HandshakeRate.Window + TimeSpan.FromSeconds(1)));
        // The rate follows a slowdown: after 10 s at 2/s only those count.
        for (var ms = 30_000; ms < 40_000; ms += 500)
            rate.Record(TimeSpan.FromMilliseconds(ms));
        Assert.InRange(rate.PerSecond(TimeSpan.FromSeconds(40))!.Value, 1.9, 2.1);
    }

    [Fact]
    public async Task The_limiter_counts_waiting_hellos_and_derives_the_hint_from_its_queue()
    {
        var ct = TestContext.Current.CancellationToken;
        var limiter = new HandshakeLimiter(Microsoft.Extensions.Options.Options.Create(new GatewayOptions
        {
            MaxConcurrentHandshakes = 2,
            HandshakeTimeout = TimeSpan.FromSeconds(20),
            MaxRetryAfter = TimeSpan.FromMinutes(5),
        }));
        Assert.Equal(HandshakeAdmission.Admitted, await limiter.EnterAsync(TimeSpan.Zero, ct));
        Assert.Equal(HandshakeAdmission.Admitted, await limiter.EnterAsync(TimeSpan.Zero, ct));
        var waiting = Enumerable.Range(0, 4).Select(_ => limiter.EnterAsync(TimeSpan.FromSeconds(30), ct)).ToList();
        Assert.Equal(4, limiter.Waiting);
        Assert.Null(limiter.CompletedPerSecond);
        // No rate yet: 6 ahead / 2 slots × 10 s = 30 s, jittered to [15, 45] s.
        Assert.All(Enumerable.Range(0, 50), _ => Assert.InRange(limiter.RetryAfter().TotalSeconds, 15, 45));
        limiter.Exit();
        Assert.Equal(HandshakeAdmission.Admitted, await await Task.WhenAny(waiting));
        Assert.Equal(3, limiter.Waiting);
        Assert.NotNull(limiter.CompletedPerSecond);
        // A refused (timed-out) wait leaves the queue too.
        Assert.Equal(HandshakeAdmission.NoSlot, await limiter.EnterAsync(TimeSpan.FromMilliseconds(20), ct));
        Assert.Equal(3, limiter.Waiting);
        for (var i = 0; i < 4; i++)
            limiter.Exit();
        await Task.WhenAll(waiting);
        Assert.Equal(0, limiter.Waiting);
    }

    [Fact]
    public void A_retry_after_maximum_outside_one_second_to_one_hour_is_refused_at_start()
    {
        foreach (var bad in new[] { TimeSpan.Zero, TimeSpan.FromMilliseconds(999), TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1) })
        {
            var errors = GatewayOptionsValidator.Errors(new GatewayOptions { MaxRetryAfter = bad, Tls = new GatewayTlsOptions { DevelopmentCaDirectory = "/tmp/ca" } });
            var error = Assert.Single(errors);
            Assert.StartsWith("gateway-max-retry-after-invalid:", error);
            Assert.Contains("MaxRetryAfter", error);
        }
        Assert.Empty(GatewayOptionsValidator.Errors(new GatewayOptions { MaxRetryAfter = TimeSpan.FromHours(1), Tls = new GatewayTlsOptions { DevelopmentCaDirectory = "/tmp/ca" } }));
    }
}
