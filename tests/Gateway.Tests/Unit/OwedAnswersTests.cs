using OrleansAttest.Gateway.Agents;

namespace OrleansAttest.Gateway.Tests.Unit;

/// <summary>A bound stream is read once per answer it owes; closing ends the wait.</summary>
public sealed class OwedAnswersTests
{
    [Fact]
    public void Nothing_is_owed_until_a_request_is_sent_and_each_answer_is_taken_once()
    {
        var owed = new OwedAnswers();
        Assert.False(owed.TryTake());
        owed.Add();
        owed.Add();
        Assert.True(owed.TryTake());
        Assert.True(owed.TryTake());
        Assert.False(owed.TryTake());
    }

    [Fact]
    public async Task A_wait_completes_when_a_request_is_sent()
    {
        var owed = new OwedAnswers();
        var wait = owed.WaitAsync().AsTask();
        Assert.False(wait.IsCompleted);
        owed.Add();
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.True(owed.TryTake());
    }

    [Fact]
    public async Task Closing_ends_a_wait_with_false_and_nothing_more_is_owed()
    {
        var owed = new OwedAnswers();
        var wait = owed.WaitAsync().AsTask();
        owed.Close();
        Assert.False(await wait.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        owed.Add();
        Assert.False(owed.TryTake());
        Assert.False(await owed.WaitAsync());
    }

    [Fact]
    public void A_recent_quote_request_past_its_deadline_counts_as_expired_and_an_unknown_one_never()
    {
        var owed = new OwedAnswers();
        var now = DateTimeOffset.UtcNow;
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        Assert.False(owed.HasExpired(first, now, now));
        owed.AddQuote(first, now.AddSeconds(2), now.AddSeconds(2));
        Assert.True(owed.TryTake());
        Assert.False(owed.HasExpired(first, now, now));
        Assert.False(owed.HasExpired(first, now.AddSeconds(2), now.AddSeconds(2)));
        Assert.True(owed.HasExpired(first, now, now.AddSeconds(2.001)));
        // The verifier re-asked while the first answer waited: both are known, each by its own deadline.
        owed.AddQuote(second, now.AddSeconds(10), now.AddSeconds(10));
        Assert.True(owed.HasExpired(first, now, now.AddSeconds(5)));
        Assert.False(owed.HasExpired(second, now, now.AddSeconds(5)));
        Assert.True(owed.HasExpired(second, now, now.AddSeconds(11)));
        // Four more requests later the first is forgotten: its answer is left for the verifier to judge.
        for (int i = 0; i < 4; i++)
            owed.AddQuote(Guid.NewGuid(), now.AddSeconds(20), now.AddSeconds(20));
        Assert.False(owed.HasExpired(first, now, now.AddSeconds(30)));
        Assert.False(owed.HasExpired(Guid.Empty, now, now.AddSeconds(30)));
    }

    [Fact]
    public void An_answer_received_in_time_is_kept_through_the_relay_grace_and_one_received_late_is_not()
    {
        var owed = new OwedAnswers();
        var now = DateTimeOffset.UtcNow;
        var request = Guid.NewGuid();
        // Deadline in 2 s, judged until 12 s (a relay grace of 10 s).
        owed.AddQuote(request, now.AddSeconds(2), now.AddSeconds(12));
        // Received at 1.9 s and still waiting for a relay slot at 11 s: the verifier judges it, keep it.
        Assert.False(owed.HasExpired(request, now.AddSeconds(1.9), now.AddSeconds(11)));
        // Past the grace: the verifier would refuse it, drop it here.
        Assert.True(owed.HasExpired(request, now.AddSeconds(1.9), now.AddSeconds(12.001)));
        // Received after the deadline: refused whatever the grace.
        Assert.True(owed.HasExpired(request, now.AddSeconds(2.001), now.AddSeconds(3)));
    }
}
