using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using OrleansAttest.Gateway.Options;

namespace OrleansAttest.Gateway.Tls;

/// <summary>Finds the server certificate: the configured PEM pair, else the development CA's (made on first start).</summary>
public static class GatewayCertificateSource
{
    public static X509Certificate2 Load(GatewayTlsOptions tls, ILogger logger)
    {
        string certificatePath, keyPath;
        if (!string.IsNullOrEmpty(tls.CertificatePath) || !string.IsNullOrEmpty(tls.KeyPath))
        {
            if (string.IsNullOrEmpty(tls.CertificatePath) || string.IsNullOrEmpty(tls.KeyPath))
                throw new InvalidOperationException("OrleansAttest:Gateway:Tls needs both CertificatePath and KeyPath (PEM files), or neither with DevelopmentCaDirectory set");
            (certificatePath, keyPath) = (tls.CertificatePath, tls.KeyPath);
        }
        else if (!string.IsNullOrEmpty(tls.DevelopmentCaDirectory))
        {
            var paths = DevelopmentCertificateAuthority.EnsureCreated(tls.DevelopmentCaDirectory, tls.DevelopmentHostNames);
            // Information, not a warning: it is the embedded mode's normal start, and users need the path for edge-agent --ca.
            logger.LogInformation("Gateway TLS uses the development CA; agents trust it with --ca {CaPath}", paths.CaCertificatePath);
            (certificatePath, keyPath) = (paths.CertificatePath, paths.KeyPath);
        }
        else
        {
            throw new InvalidOperationException("OrleansAttest:Gateway:Tls has no certificate: set CertificatePath and KeyPath, or DevelopmentCaDirectory for a development CA");
        }
        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException($"the gateway certificate {certificatePath} with key {keyPath} cannot be loaded: {e.Message}", e);
        }
    }
}
