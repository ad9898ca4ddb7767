namespace OrleansAttest.Gateway.Options;

/// <summary>
/// The gateway's server certificate: a PEM certificate and key from configuration, or (when both are empty and a
/// development CA directory is set) a self-signed development CA and server certificate made there on first start.
/// </summary>
public sealed class GatewayTlsOptions
{
    /// <summary>PEM server certificate (may hold the chain after the leaf).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Where the development CA and server certificate live; used only when no certificate is configured.</summary>
    public string? DevelopmentCaDirectory { get; set; }

    /// <summary>DNS names and IP addresses the development server certificate is valid for (besides localhost and loopback).</summary>
    public string[] DevelopmentHostNames { get; set; } = [];
}
