using OrleansAttest.Grains.Node;
using OrleansAttest.Grains.Polling;

namespace OrleansAttest.Grains.Tests.Unit;

public sealed class PollScheduleTests
{
    [Theory]
    [InlineData(0.0, 27)]
    [InlineData(0.5, 30)]
    [InlineData(0.999999, 33)]
    public void Polls_are_jittered_by_ten_percent(double random, double seconds) =>
        Assert.Equal(seconds, PollSchedule.NextPoll(TimeSpan.FromSeconds(30), 0.1, random).TotalSeconds, precision: 2);

    [Fact]
    public void The_next_poll_counts_from_when_the_answered_request_was_issued_with_a_floor_under_load()
    {
        var issued = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
        var interval = TimeSpan.FromSeconds(30);
        // A 2 s round trip does not stretch the cadence: the next request is 30 s after the previous one, not 32 s.
        Assert.Equal(28, PollSchedule.NextPollAfter(issued, issued.AddSeconds(2), interval, 0.1, 0.5).TotalSeconds, precision: 3);
        // A round trip near the interval (an overloaded verifier): at least a quarter interval from now, never at once.
        Assert.Equal(7.5, PollSchedule.NextPollAfter(issued, issued.AddSeconds(29), interval, 0.1, 0.5).TotalSeconds, precision: 3);
        Assert.Equal(7.5, PollSchedule.NextPollAfter(issued, issued.AddSeconds(90), interval, 0.1, 0.5).TotalSeconds, precision: 3);
    }

    [Fact]
    public void Retries_back_off_exponentially_up_to_the_quote_interval()
    {
        var cap = TimeSpan.FromSeconds(30);
        var delays = Enumerable.Range(1, 8).Select(n => PollSchedule.Retry(n, TimeSpan.FromSeconds(2), cap, 0, 0.5)).ToArray();
        Assert.Equal([2, 4, 8, 16, 30, 30, 30, 30], delays.Select(d => d.TotalSeconds));
        for (int i = 0; i < 200; i++)
            Assert.InRange(PollSchedule.Retry(50, TimeSpan.FromSeconds(2), cap, 0.1, Random.Shared.NextDouble()), TimeSpan.FromSeconds(27), cap);
    }

    [Fact]
    public void Recent_requests_remember_a_bounded_number_of_ids()
    {
        var recent = new RecentRequests(capacity: 3);
        var ids = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var id in ids)
            recent.Add(id);
        Assert.False(recent.Contains(ids[0]));
        Assert.False(recent.Contains(ids[1]));
        Assert.True(recent.Contains(ids[4]));
        Assert.False(recent.Contains(Guid.NewGuid()));
    }
}
