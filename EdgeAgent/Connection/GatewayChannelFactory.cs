using Grpc.Net.Client;

namespace OrleansAttest.EdgeAgent.Connection;

/// <summary>An HTTP/2 + TLS channel to the gateway that trusts only the configured CA and notices dead links by pinging.</summary>
public static class GatewayChannelFactory
{
    public static GrpcChannel Create(AgentOptions options)
    {
        if (options.Gateway is null)
            throw new InvalidOperationException("no gateway address is configured (--gateway)");
        if (options.Gateway.Scheme != Uri.UriSchemeHttps)
            throw new InvalidOperationException($"the gateway address {options.Gateway} must use https: the agent never talks to the gateway in clear");
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
        return GrpcChannel.ForAddress(options.Gateway, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.MaxMessageBytes,
            MaxSendMessageSize = options.MaxMessageBytes,
        });
    }
}
