using OrleansAttest.Grains.Admission;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Node;

namespace OrleansAttest.Grains.Tests.Unit;

/// <summary>The pure rules behind hello floods: bounded pending challenges, reuse by EK and AK, the token bucket.</summary>
public sealed class ChallengeSetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static PendingChallenge Pending(int n, byte ak, TimeSpan lifetime) => new()
    {
        SessionId = Guid.NewGuid(),
        EkPublic = [1, 2, 3],
        AkPublic = [ak],
        HelloAt = T0 + TimeSpan.FromSeconds(n),
        ExpiresAt = T0 + TimeSpan.FromSeconds(n) + lifetime,
    };

    [Fact]
    public void Expired_challenges_drop_out_and_the_oldest_is_evicted_beyond_the_bound()
    {
        var lifetime = TimeSpan.FromSeconds(10);
        var pending = Enumerable.Range(0, 4).Select(n => Pending(n, (byte)n, lifetime)).ToList();
        Assert.Equal(3, ChallengeSet.Live(pending, T0 + TimeSpan.FromSeconds(10.5)).Count); // the first expired at 10 s
        var added = Pending(5, 9, lifetime);
        var kept = ChallengeSet.Add(ChallengeSet.Live(pending, T0), added, max: 4);
        Assert.Equal(4, kept.Count);
        Assert.DoesNotContain(pending[0], kept);
        Assert.Same(added, kept[^1]);
    }

    [Fact]
    public void Only_a_challenge_for_exactly_the_same_EK_and_AK_with_enough_time_left_is_reused()
    {
        var lifetime = TimeSpan.FromSeconds(10);
        var mine = Pending(0, 7, lifetime);
        var other = Pending(1, 8, lifetime);
        var issued = new Dictionary<Guid, ActivationChallenge>
        {
            [mine.SessionId] = new(mine.SessionId, [1], [2], mine.ExpiresAt),
            [other.SessionId] = new(other.SessionId, [1], [2], other.ExpiresAt),
        };
        var hello = new AgentHello("n", [1, 2, 3], null, [7], ["sha256"], "t");
        Assert.Equal(mine.SessionId, ChallengeSet.Reusable([mine, other], issued, hello, T0 + TimeSpan.FromSeconds(2), lifetime / 2)!.SessionId);
        Assert.Null(ChallengeSet.Reusable([mine, other], issued, hello, T0 + TimeSpan.FromSeconds(6), lifetime / 2)); // under half left
        Assert.NotNull(ChallengeSet.Reusable([mine, other], issued, hello, T0 + TimeSpan.FromSeconds(6), TimeSpan.Zero));
        Assert.Null(ChallengeSet.Reusable([mine], issued, hello with { EkPublic = [9] }, T0, TimeSpan.Zero));
        Assert.Null(ChallengeSet.Reusable([mine], new Dictionary<Guid, ActivationChallenge>(), hello, T0, TimeSpan.Zero)); // wire form lost
    }

    [Fact]
    public void The_bucket_allows_a_burst_then_one_per_interval_and_keeps_a_token_for_an_AK_without_a_challenge()
    {
        var limiter = new HelloRateLimiter(burst: 3, TimeSpan.FromSeconds(1));
        for (int i = 0; i < 3; i++)
            Assert.True(limiter.TryTake(T0, 0, out _));
        Assert.False(limiter.TryTake(T0, 0, out var retry));
        Assert.Equal(TimeSpan.FromSeconds(1), retry);
        Assert.True(limiter.TryTake(T0 + TimeSpan.FromSeconds(1), 0, out _));

        var reserved = new HelloRateLimiter(burst: 3, TimeSpan.FromSeconds(1));
        Assert.True(reserved.TryTake(T0, 1, out _));
        Assert.True(reserved.TryTake(T0, 1, out _));
        Assert.False(reserved.TryTake(T0, 1, out _)); // the last token is kept ...
        Assert.True(reserved.TryTake(T0, 0, out _));  // ... for a hello whose AK holds no challenge
        Assert.True(new HelloRateLimiter(1, TimeSpan.Zero).TryTake(T0, 5, out _)); // interval 0 = no limit
    }
}
