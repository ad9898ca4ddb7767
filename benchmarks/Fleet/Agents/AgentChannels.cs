using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace OrleansAttest.Benchmarks.Fleet.Agents;

/// <summary>
/// The generator's HTTP/2 connections to the gateways: one <see cref="GrpcChannel"/> (one TLS connection, no second one)
/// per <c>streamsPerConnection</c> agents, each agent one stream on it; connection i goes to gateway i mod the count, as
/// a load balancer spreads connections over replicas. Trusts only the gateways' CA, as the agent does.
/// </summary>
internal sealed class AgentChannels : IDisposable
{
    private readonly GrpcChannel[] _channels;
    private readonly int _streamsPerConnection;

    public AgentChannels(IReadOnlyList<Uri> gateways, string caFile, int agents, int streamsPerConnection)
    {
        _streamsPerConnection = streamsPerConnection;
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        var count = Math.Max(1, (agents + streamsPerConnection - 1) / streamsPerConnection);
        _channels = new GrpcChannel[count];
        for (int i = 0; i < count; i++)
        {
            var handler = new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(15),
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                // One connection per channel: the gateway's MaxStreamsPerConnection is set to streamsPerConnection.
                EnableMultipleHttp2Connections = false,
            };
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Validate(roots, certificate, errors);
            _channels[i] = GrpcChannel.ForAddress(gateways[i % gateways.Count], new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        }
    }

    public int Count => _channels.Length;

    /// <summary>The channel agent number <paramref name="agent"/> uses.</summary>
    public GrpcChannel For(int agent) => _channels[agent / _streamsPerConnection];

    private static bool Validate(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
            channel.Dispose();
    }
}
