using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.Grains.Credentials;

/// <summary>
/// The embedded-mode issuer: every node gets the files of <see cref="CredentialOptions.Files"/> (templates filled with
/// the node's name and times, or files read at issue time), or by default one <c>node-credentials.json</c> with a
/// fresh random 32-byte secret — so even a bare installation delivers something real. Revocation only logs: nothing
/// issued here is known to any other system (the Kubernetes issuer deletes tokens instead).
/// </summary>
public sealed class ConfiguredCredentialIssuer(IOptions<CredentialOptions> options, TimeProvider time, ILogger<ConfiguredCredentialIssuer> logger)
    : ICredentialIssuer
{
    public async Task<IssuedCredentials> IssueAsync(CredentialRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var o = options.Value;
        var issuedAt = time.GetUtcNow();
        // Whole milliseconds: the bundle carries Unix milliseconds, and the grain compares what it persisted with what was sent.
        issuedAt = DateTimeOffset.FromUnixTimeMilliseconds(issuedAt.ToUnixTimeMilliseconds());
        var expiresAt = issuedAt + o.Lifetime;
        if (o.Files.Count == 0)
            return new IssuedCredentials([new CredentialBundleFile(CredentialOptions.DefaultFileName, DefaultFile(request.NodeName, issuedAt, expiresAt))], issuedAt, expiresAt);
        var files = new List<CredentialBundleFile>(o.Files.Count);
        foreach (var file in o.Files)
        {
            if (file.Content is { } template)
            {
                files.Add(new CredentialBundleFile(file.Name, Encoding.UTF8.GetBytes(Fill(template, request.NodeName, issuedAt, expiresAt))));
                continue;
            }
            try
            {
                files.Add(new CredentialBundleFile(file.Name, await File.ReadAllBytesAsync(file.SourcePath!, cancellationToken)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CredentialIssueException($"credential file '{file.Name}' cannot be read from '{file.SourcePath}': {e.Message}", e);
            }
        }
        return new IssuedCredentials(files, issuedAt, expiresAt);
    }

    public Task<string> RevokeAsync(string nodeName, string reason, CancellationToken cancellationToken = default)
    {
        const string done = "the embedded issuer keeps no copies: the agent deletes its files and the node gets new ones only after it attests again";
        logger.LogInformation("Node {Node}: credentials revoked ({Reason}); {Done}", nodeName, reason, done);
        return Task.FromResult(done);
    }

    private static string Fill(string template, string node, DateTimeOffset issuedAt, DateTimeOffset expiresAt) =>
        template.Replace("{node}", node, StringComparison.Ordinal)
            .Replace("{issuedAt}", Iso(issuedAt), StringComparison.Ordinal)
            .Replace("{expiresAt}", Iso(expiresAt), StringComparison.Ordinal);

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static byte[] DefaultFile(string node, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
            {
                ["node"] = node,
                ["issuedAt"] = Iso(issuedAt),
                ["expiresAt"] = Iso(expiresAt),
                ["secret"] = Convert.ToBase64String(secret),
            }, new JsonSerializerOptions { WriteIndented = true });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }
}
