namespace OrleansAttest.Grains.Credentials;

/// <summary>Section <c>OrleansAttest:Credentials</c>: what the embedded issuer delivers and how long it is valid.</summary>
public sealed class CredentialOptions
{
    public const string Section = "OrleansAttest:Credentials";

    /// <summary>The default single file when <see cref="Files"/> is empty: node name, times and a fresh random secret (JSON).</summary>
    public const string DefaultFileName = "node-credentials.json";

    /// <summary>Validity of issued credentials.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Credentials are renewed at the first passing quote this long before they expire.</summary>
    public TimeSpan RenewBefore { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The files every node gets; empty = one <see cref="DefaultFileName"/>.</summary>
    public List<CredentialFileOptions> Files { get; set; } = [];
}
