namespace OrleansAttest.Gateway.Tls;

/// <summary>Files of the development CA: agents trust <see cref="CaCertificatePath"/>; Kestrel serves the other two.</summary>
public sealed record DevelopmentCertificatePaths(string CaCertificatePath, string CertificatePath, string KeyPath);
