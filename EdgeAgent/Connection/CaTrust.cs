using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace OrleansAttest.EdgeAgent.Connection;

/// <summary>Trusts exactly the CA(s) in one PEM file for the gateway's certificate (not the system store), and checks the host name.</summary>
public sealed class CaTrust
{
    private readonly X509Certificate2Collection _roots;

    public CaTrust(string caFile)
    {
        _roots = [];
        try
        {
            _roots.ImportFromPemFile(caFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException($"the CA file {caFile} cannot be read as PEM certificates: {e.Message}", e);
        }
        if (_roots.Count == 0)
            throw new InvalidOperationException($"the CA file {caFile} holds no PEM certificate");
    }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? _, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
