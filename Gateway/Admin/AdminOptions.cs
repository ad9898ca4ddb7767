namespace OrleansAttest.Gateway.Admin;

/// <summary>The admin REST API (configuration section <c>OrleansAttest:Admin</c>): listener and bearer token.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "OrleansAttest:Admin";

    /// <summary>File name of the generated token inside <see cref="GenerateTokenDirectory"/>.</summary>
    public const string GeneratedTokenFileName = "admin-token";

    /// <summary>Fewer characters than this are refused: a short bearer token can be guessed.</summary>
    public const int MinTokenLength = 16;

    /// <summary>Serve the admin API (beside the agent endpoint). Off: only the agent endpoint is served.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The bearer token itself (prefer <see cref="TokenFile"/>: configuration values end up in process listings and dumps).</summary>
    public string? Token { get; set; }

    /// <summary>A file holding the bearer token (surrounding whitespace ignored), e.g. a mounted Kubernetes secret.</summary>
    public string? TokenFile { get; set; }

    /// <summary>
    /// With neither <see cref="Token"/> nor <see cref="TokenFile"/>: a random 32-byte token is generated once into
    /// <c>&lt;dir&gt;/admin-token</c> (mode 0600) and reused afterwards. The embedded mode sets this.
    /// </summary>
    public string? GenerateTokenDirectory { get; set; }

    /// <summary>Address the admin listener binds ("0.0.0.0", "::", "127.0.0.1").</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>TCP port of the admin API (HTTPS, HTTP/1.1 and HTTP/2).</summary>
    public int Port { get; set; } = 7444;
}
