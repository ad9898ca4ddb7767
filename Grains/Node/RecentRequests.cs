namespace OrleansAttest.Grains.Node;

/// <summary>
/// The last few request ids this activation answered, retired or superseded, so a late or duplicate response is
/// told apart ("stale-response") from one that was never issued here ("unknown-request"). Bounded: a ring of
/// <c>capacity</c> ids, allocated at the first one and searched linearly (every node holds one; a set and a queue
/// cost three times the memory for sixteen ids).
/// </summary>
public sealed class RecentRequests(int capacity = 16)
{
    private Guid[]? _ids;
    private int _count;
    private int _next;

    public void Add(Guid requestId)
    {
        if (Contains(requestId))
            return;
        _ids ??= new Guid[Math.Max(1, capacity)];
        _ids[_next] = requestId;
        _next = (_next + 1) % _ids.Length;
        _count = Math.Min(_count + 1, _ids.Length);
    }

    public bool Contains(Guid requestId)
    {
        for (int i = 0; i < _count; i++)
            if (_ids![i] == requestId)
                return true;
        return false;
    }
}
