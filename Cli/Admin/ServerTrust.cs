using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using OrleansAttest.Cli.Commands;

namespace OrleansAttest.Cli.Admin;

/// <summary>--ca: trust exactly the CA(s) of one PEM file for the admin API's certificate (not the system store), host name checked.</summary>
public static class ServerTrust
{
    public static SocketsHttpHandler Handler(string? caFile)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) };
        if (caFile is null)
            return handler;
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(caFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new UnusableInputException($"cannot read --ca file '{caFile}' as PEM certificates: {e.Message}", e);
        }
        if (roots.Count == 0)
            throw new UnusableInputException($"--ca file '{caFile}' holds no PEM certificate");
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
                return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = new X509Certificate2(certificate);
            return chain.Build(leaf);
        };
        return handler;
    }
}
