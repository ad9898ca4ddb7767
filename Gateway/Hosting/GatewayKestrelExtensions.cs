using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using OrleansAttest.Gateway.Options;
using OrleansAttest.Gateway.Tls;

namespace OrleansAttest.Gateway.Hosting;

public static class GatewayKestrelExtensions
{
    /// <summary>Listens for agents on <see cref="GatewayOptions.ListenAddress"/>:<see cref="GatewayOptions.Port"/>, HTTP/2 over TLS only.</summary>
    public static void ListenAttestationGateway(this KestrelServerOptions kestrel, GatewayOptions options, ILogger logger)
    {
        if (!IPAddress.TryParse(options.ListenAddress, out var address))
            throw new InvalidOperationException($"OrleansAttest:Gateway:ListenAddress '{options.ListenAddress}' is not an IP address");
        var certificate = GatewayCertificateSource.Load(options.Tls, logger);
        // Kestrel's HTTP/2 limits are server-wide; the admin listener's clients open few streams, so raising it here is harmless there.
        kestrel.Limits.Http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection;
        kestrel.Listen(address, options.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(certificate);
        });
        logger.LogInformation("Gateway listens for agents on {Address}:{Port} (HTTP/2, TLS, certificate {Subject})", address, options.Port, certificate.Subject);
    }
}
