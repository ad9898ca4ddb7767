using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// The EK CAs an operator trusts: self-signed roots become trust anchors, everything else is an intermediate that
/// may help build a chain but is trusted only through a root. The OS trust store is never consulted.
/// </summary>
public sealed class EkCaBundle
{
    private static readonly string[] CertificateExtensions = [".pem", ".crt", ".cer", ".der"];

    private EkCaBundle(X509Certificate2Collection roots, X509Certificate2Collection intermediates)
    {
        Roots = roots;
        Intermediates = intermediates;
    }

    public X509Certificate2Collection Roots { get; }
    public X509Certificate2Collection Intermediates { get; }

    /// <summary>
    /// Loads a PEM or DER file, or every *.pem, *.crt, *.cer, *.der file of a directory (not recursive; other
    /// PEM blocks such as keys are ignored).
    /// </summary>
    /// <exception cref="InvalidDataException">A file is not a certificate file, or the bundle has no root.</exception>
    public static EkCaBundle Load(string path) => Load([path]);

    /// <summary>Loads several bundle files or directories as one bundle (e.g. a root file and an intermediate file).</summary>
    public static EkCaBundle Load(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var certificates = new List<X509Certificate2>();
        var names = new List<string>();
        foreach (var path in paths)
        {
            certificates.AddRange(LoadPath(path));
            names.Add(path);
        }
        return FromCertificates(certificates, string.Join(", ", names));
    }

    private static IEnumerable<X509Certificate2> LoadPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        IEnumerable<string> files;
        if (Directory.Exists(path))
            files = Directory.EnumerateFiles(path)
                .Where(f => CertificateExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
        else if (File.Exists(path))
            files = [path];
        else
            throw new FileNotFoundException($"EK CA bundle '{path}' is neither a file nor a directory", path);
        return files.SelectMany(LoadFile).ToList();
    }

    public static EkCaBundle FromCertificates(IEnumerable<X509Certificate2> certificates) => FromCertificates(certificates, "the given certificates");

    private static EkCaBundle FromCertificates(IEnumerable<X509Certificate2> certificates, string source)
    {
        var roots = new X509Certificate2Collection();
        var intermediates = new X509Certificate2Collection();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var certificate in certificates)
        {
            if (!seen.Add(Convert.ToHexString(certificate.RawData)))
                continue;
            // Self-issued (subject = issuer) certificates are the anchors; the chain engine still checks their signatures.
            if (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
                roots.Add(certificate);
            else
                intermediates.Add(certificate);
        }
        if (roots.Count == 0)
            throw new InvalidDataException($"EK CA bundle {source} contains no self-signed root certificate ({intermediates.Count} other certificates)");
        return new EkCaBundle(roots, intermediates);
    }

    private static IEnumerable<X509Certificate2> LoadFile(string file)
    {
        var bytes = File.ReadAllBytes(file);
        try
        {
            if (bytes.AsSpan().IndexOf("-----BEGIN"u8) >= 0)
            {
                var collection = new X509Certificate2Collection();
                collection.ImportFromPem(System.Text.Encoding.ASCII.GetString(bytes));
                return collection;
            }
            return [X509CertificateLoader.LoadCertificate(bytes)];
        }
        catch (CryptographicException e)
        {
            throw new InvalidDataException($"EK CA bundle file '{file}' is not a PEM or DER certificate file: {e.Message}", e);
        }
    }
}
