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
