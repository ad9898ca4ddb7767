using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using OrleansAttest.Gateway.Admin;
using OrleansAttest.Gateway.Options;
using OrleansAttest.Gateway.Tls;

namespace OrleansAttest.Gateway.Hosting;

public static class AdminKestrelExtensions
{
    /// <summary>
    /// Listens for the admin API on <see cref="AdminOptions.ListenAddress"/>:<see cref="AdminOptions.Port"/>: HTTPS only
    /// (HTTP/1.1 and HTTP/2), with the agent endpoint's certificate source (<paramref name="tls"/>).
    /// </summary>
    public static void ListenAttestationAdminApi(this KestrelServerOptions kestrel, AdminOptions options, GatewayTlsOptions tls, ILogger logger)
    {
        if (!IPAddress.TryParse(options.ListenAddress, out var address))
            throw new InvalidOperationException($"{AdminOptions.SectionName}:ListenAddress '{options.ListenAddress}' is not an IP address");
        var certificate = GatewayCertificateSource.Load(tls, logger);
        kestrel.Listen(address, options.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate);
        });
        logger.LogInformation("Admin API listens on https://{Address}:{Port}/api/v1 (OpenAPI at /openapi/v1.json, certificate {Subject})",
            address, options.Port, certificate.Subject);
    }
}
