using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansAttest.Gateway.Tls;

/// <summary>
/// A self-signed development CA and a server certificate it issued, made once in a state directory and reused after
/// (so agents keep trusting the same CA across restarts). For the embedded mode and tests; production configures its own.
/// </summary>
public static class DevelopmentCertificateAuthority
{
    public const string CaFileName = "gateway-ca.crt";
    public const string CaKeyFileName = "gateway-ca.key";
    public const string CertificateFileName = "gateway.crt";
    public const string KeyFileName = "gateway.key";

    /// <summary>Returns the existing files, or creates the CA and a certificate for localhost, loopback and <paramref name="hostNames"/>.</summary>
    public static DevelopmentCertificatePaths EnsureCreated(string directory, IEnumerable<string>? hostNames = null)
    {
        var paths = new DevelopmentCertificatePaths(Path.Combine(directory, CaFileName), Path.Combine(directory, CertificateFileName), Path.Combine(directory, KeyFileName));
        if (File.Exists(paths.CaCertificatePath) && File.Exists(paths.CertificatePath) && File.Exists(paths.KeyPath))
            return paths;
        Directory.CreateDirectory(directory);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=OrleansAttest development gateway CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var ca = caRequest.CreateSelfSigned(now, now.AddYears(10));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=OrleansAttest gateway", serverKey, HashAlgorithmName.SHA256);
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        serverRequest.CertificateExtensions.Add(SubjectAlternativeNames(hostNames ?? []));
        using var server = serverRequest.Create(ca, now, now.AddYears(2), RandomNumberGenerator.GetBytes(16));

        WritePrivate(Path.Combine(directory, CaKeyFileName), caKey.ExportPkcs8PrivateKeyPem());
        WritePrivate(paths.KeyPath, serverKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(paths.CertificatePath, server.ExportCertificatePem());
        // The CA file is written last: its presence (with the others) marks a complete set.
        File.WriteAllText(paths.CaCertificatePath, ca.ExportCertificatePem());
        return paths;
    }

    private static X509Extension SubjectAlternativeNames(IEnumerable<string> hostNames)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        foreach (var name in hostNames.Where(n => !string.IsNullOrWhiteSpace(n)).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(name, out var address))
                names.AddIpAddress(address);
            else
                names.AddDnsName(name);
        }
        return names.Build();
    }

    private static void WritePrivate(string path, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(pem);
    }
}
