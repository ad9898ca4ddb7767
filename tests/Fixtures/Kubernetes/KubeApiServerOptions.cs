namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>Settings of the Kubernetes test server; tests shrink the windows to force 410s and bookmarks.</summary>
public sealed record KubeApiServerOptions
{
    /// <summary>Bearer token every request must carry (except /version and the health endpoints).</summary>
    public string Token { get; init; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
    /// <summary>How many change events the server retains for watches; a watch from an older resourceVersion gets 410.</summary>
    public int WatchHistory { get; init; } = 1000;
    /// <summary>How often a watch with allowWatchBookmarks=true gets a BOOKMARK while idle.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Largest request body accepted (the apiserver's limit is 3 MiB).</summary>
    public int MaxRequestBodyBytes { get; init; } = 3 << 20;
}
