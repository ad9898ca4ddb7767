using Grpc.Net.Client;

namespace OrleansAttest.EdgeAgent.Connection;

/// <summary>An HTTP/2 + TLS channel to the gateway that trusts only the configured CA and notices dead links by pinging.</summary>
public static class GatewayChannelFactory
{
    public static GrpcChannel Create(AgentOptions options) =>
        Create(options, options.Gateway ?? throw new InvalidOperationException("no gateway address is configured (--gateway)"));

    /// <summary>A channel to <paramref name="gateway"/> (one of <see cref="AgentOptions.AllGateways"/>).</summary>
    public static GrpcChannel Create(AgentOptions options, Uri gateway)
    {
        if (gateway.Scheme != Uri.UriSchemeHttps)
            throw new InvalidOperationException($"the gateway address {gateway} must use https: the agent never talks to the gateway in clear");
        if (string.IsNullOrEmpty(options.CaFile))
            throw new InvalidOperationException("no CA file is configured (--ca)");
        var trust = new CaTrust(options.CaFile);
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(15),
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(15),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            EnableMultipleHttp2Connections = false,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = trust.Validate;
        return GrpcChannel.ForAddress(gateway, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.MaxMessageBytes,
            MaxSendMessageSize = options.MaxMessageBytes,
        });
    }
}
