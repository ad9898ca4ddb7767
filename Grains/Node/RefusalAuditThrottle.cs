namespace OrleansAttest.Grains.Node;

/// <summary>
/// Hello refusals come from anyone who can name a node, and a node's audit is capped: audited one by one, a flood of
/// refused hellos (each with a fresh EK) would push the node's real history — its revocation, its failed verdict — out
/// of it. So at most one entry per reason code per interval is written, saying how many refusals it stands for; every
/// refusal is still logged and counted. Memory only, and only once a refusal happens.
/// </summary>
internal sealed class RefusalAuditThrottle(TimeSpan interval)
{
    private readonly Dictionary<string, (DateTimeOffset Audited, int Suppressed)> _byReason = new(StringComparer.Ordinal);

    /// <summary>Whether to audit this refusal now; if so, <paramref name="suppressed"/> is how many were not audited since the last entry.</summary>
    public bool ShouldAudit(string reasonCode, DateTimeOffset now, out int suppressed)
    {
        if (_byReason.TryGetValue(reasonCode, out var last) && now - last.Audited < interval)
        {
            _byReason[reasonCode] = (last.Audited, last.Suppressed + 1);
            suppressed = 0;
            return false;
        }
        suppressed = last.Suppressed;
        _byReason[reasonCode] = (now, 0);
        return true;
    }
}
