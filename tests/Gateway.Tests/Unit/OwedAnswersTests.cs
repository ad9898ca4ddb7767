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
}
