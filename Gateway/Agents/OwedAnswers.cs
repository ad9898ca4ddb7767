using System.Threading.Channels;

namespace OrleansAttest.Gateway.Agents;

/// <summary>
/// The answers a proven stream owes the gateway: one for each quote request and credential delivery sent to it. After
/// activation the session reads the agent's next message only when one is owed, so between polls no read is pending:
/// the read's state (Kestrel's and gRPC's async machinery, ~0.6 KB a message) lives for the answer's milliseconds
/// instead of the whole interval, and dies young instead of being promoted by every young collection at 100,000
/// streams. A reset stream or a dropped connection still ends the session at once (the call's cancellation closes
/// this); a client that sends what was not asked for is read only at its next owed answer and delays only its own stream.
/// It also remembers the deadlines of the last few quote requests, so an answer that waited for a relay slot past the
/// time the verifier would still judge it is dropped at the gateway (<see cref="RelayLimiter"/>).
/// </summary>
internal sealed class OwedAnswers
{
    private readonly Channel<bool> _owed = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });
    // The deadlines of the last few quote requests as plain values in arrays made once: a new object stored in this
    // long-lived one each poll would be one more old-to-young reference for every young collection to scan. A few,
    // because the verifier re-asks when an answer is late, and the late answer may still be waiting behind it.
    private const int RememberedQuotes = 4;
    private readonly Guid[] _quoteIds = new Guid[RememberedQuotes];
    private readonly DateTimeOffset[] _quoteDeadlines = new DateTimeOffset[RememberedQuotes];
    // The verifier's relay grace (judged-until minus deadline) is one setting, so one value, not one per request.
    private TimeSpan _relayGrace;
    private int _nextQuote;

    /// <summary>A message that asks for an answer was queued for the agent.</summary>
    public void Add() => _owed.Writer.TryWrite(true);

    /// <summary>
    /// A quote request was queued for the agent: an answer is owed. It must be received by <paramref name="expiresAt"/>
    /// and relayed by <paramref name="judgedUntil"/> (the verifier's relay grace after it) to be judged.
    /// </summary>
    public void AddQuote(Guid requestId, DateTimeOffset expiresAt, DateTimeOffset judgedUntil)
    {
        lock (_quoteIds)
        {
            _quoteIds[_nextQuote] = requestId;
            _quoteDeadlines[_nextQuote] = expiresAt;
            _relayGrace = judgedUntil > expiresAt ? judgedUntil - expiresAt : TimeSpan.Zero;
            _nextQuote = (_nextQuote + 1) % RememberedQuotes;
        }
        Add();
    }

    /// <summary>
    /// True when <paramref name="requestId"/> is one of the last few quote requests sent and the verifier would no longer
    /// judge its answer: received after the request's deadline, or still here after the relay grace; an answer to any
    /// other request is left for the verifier to judge.
    /// </summary>
    public bool HasExpired(Guid requestId, DateTimeOffset receivedAt, DateTimeOffset now)
    {
        lock (_quoteIds)
        {
            int index = Array.IndexOf(_quoteIds, requestId);
            return requestId != Guid.Empty && index >= 0 && (receivedAt > _quoteDeadlines[index] || now > _quoteDeadlines[index] + _relayGrace);
        }
    }

    /// <summary>Ends every wait: the stream is closing.</summary>
    public void Close() => _owed.Writer.TryComplete();

    /// <summary>Takes one owed answer when there is one.</summary>
    public bool TryTake() => _owed.Reader.TryRead(out _);

    /// <summary>
    /// Completes true when an answer is owed, false once closed. Deliberately not cancellable and not an async method:
    /// an uncancellable wait reuses the channel's one waiter object, so waiting allocates nothing that would outlive
    /// the interval (the caller's loop is one long-lived async method).
    /// </summary>
    public ValueTask<bool> WaitAsync() => _owed.Reader.WaitToReadAsync(CancellationToken.None);
}
