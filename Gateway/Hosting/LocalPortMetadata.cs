namespace OrleansAttest.Gateway.Hosting;

/// <summary>Endpoint metadata: the endpoint answers only on connections that arrived on <paramref name="Port"/>.</summary>
public sealed record LocalPortMetadata(int Port);
