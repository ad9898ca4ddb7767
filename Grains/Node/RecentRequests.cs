namespace OrleansAttest.Grains.Node;

/// <summary>
/// The last few request ids this activation answered, retired or superseded, so a late or duplicate response is
/// told apart ("stale-response") from one that was never issued here ("unknown-request"). Bounded.
/// </summary>
public sealed class RecentRequests(int capacity = 16)
{
    private readonly Queue<Guid> _order = new();
    private readonly HashSet<Guid> _ids = [];

    public void Add(Guid requestId)
    {
        if (!_ids.Add(requestId))
            return;
        _order.Enqueue(requestId);
        while (_order.Count > capacity)
            _ids.Remove(_order.Dequeue());
    }

    public bool Contains(Guid requestId) => _ids.Contains(requestId);
}
