using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Node;

/// <summary>
/// Pure rules over a node's pending challenges (kept in <see cref="EdgeNodeState.Challenges"/>): expired ones drop out,
/// the oldest is evicted beyond the bound, and a challenge a hello may be answered with again is found by EK and AK.
/// </summary>
public static class ChallengeSet
{
    /// <summary>The unexpired challenges, oldest first.</summary>
    public static List<PendingChallenge> Live(IEnumerable<PendingChallenge> pending, DateTimeOffset now) =>
        [.. pending.Where(c => c.ExpiresAt >= now).OrderBy(c => c.HelloAt)];

    /// <summary>
    /// <paramref name="live"/> plus <paramref name="added"/>, dropping the oldest beyond <paramref name="max"/> — the
    /// oldest that <paramref name="keep"/> does not protect, while there is one.
    /// </summary>
    public static List<PendingChallenge> Add(List<PendingChallenge> live, PendingChallenge added, int max, Func<PendingChallenge, bool>? keep = null)
    {
        var result = new List<PendingChallenge>(live) { added };
        while (result.Count > Math.Max(1, max))
        {
            int evict = keep is null ? 0 : result.FindIndex(c => !ReferenceEquals(c, added) && !keep(c));
            result.RemoveAt(evict >= 0 ? evict : 0);
        }
        return result;
    }

    /// <summary>
    /// The newest live challenge for exactly this EK and AK whose wire form is still at hand, if it has at least
    /// <paramref name="minimumLeft"/> to live. Answering a repeated hello with it costs nothing and invalidates
    /// nothing: only the TPM holding that EK and AK can prove it, whichever stream carries the proof.
    /// </summary>
    public static ActivationChallenge? Reusable(IEnumerable<PendingChallenge> live, IReadOnlyDictionary<Guid, ActivationChallenge> issued,
        AgentHello hello, DateTimeOffset now, TimeSpan minimumLeft)
    {
        foreach (var pending in live.OrderByDescending(c => c.HelloAt))
        {
            if (pending.ExpiresAt - now < minimumLeft || !issued.TryGetValue(pending.SessionId, out var wire))
                continue;
            if (Matches(pending, hello))
                return wire;
        }
        return null;
    }

    /// <summary>Whether <paramref name="pending"/> was issued for exactly this hello's EK and AK.</summary>
    public static bool Matches(PendingChallenge pending, AgentHello hello) =>
        pending.EkPublic.AsSpan().SequenceEqual(hello.EkPublic) && pending.AkPublic.AsSpan().SequenceEqual(hello.AkPublic);
}
