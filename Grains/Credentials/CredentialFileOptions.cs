namespace OrleansAttest.Grains.Credentials;

/// <summary>One file of every node's credentials: its <see cref="Name"/> and either a text template or a source file.</summary>
public sealed class CredentialFileOptions
{
    /// <summary>The file name on the device ([A-Za-z0-9._-]{1,100}, no leading dot, no "..").</summary>
    public string Name { get; set; } = "";

    /// <summary>Text with placeholders {node}, {issuedAt}, {expiresAt} (ISO 8601 UTC), written as UTF-8.</summary>
    public string? Content { get; set; }

    /// <summary>A file read at each issue (so it can be rotated without a restart).</summary>
    public string? SourcePath { get; set; }
}
