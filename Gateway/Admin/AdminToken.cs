using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansAttest.Gateway.Admin;

/// <summary>
/// The admin API's bearer token, resolved once at startup (configured value, token file, or generated file) and
/// compared in constant time. Only its SHA-256 is kept, so comparing never depends on the presented token's length.
/// </summary>
public sealed class AdminToken(IOptions<AdminOptions> options, ILogger<AdminToken> logger)
{
    private readonly Lazy<byte[]> _hash = new(() => SHA256.HashData(Encoding.UTF8.GetBytes(Resolve(options.Value, logger))));

    /// <summary>Resolves the token now, so a missing or unreadable one stops the host at startup (InvalidOperationException).</summary>
    public void EnsureResolved() => _ = _hash.Value;

    public bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _hash.Value);

    private static string Resolve(AdminOptions options, ILogger logger)
    {
        if (AdminOptionsValidator.Errors(options) is { Count: > 0 } errors)
            throw new InvalidOperationException(string.Join(" ", errors));
        if (!string.IsNullOrEmpty(options.Token))
            return options.Token.Trim();
        if (!string.IsNullOrEmpty(options.TokenFile))
            return ReadTokenFile(options.TokenFile);

        var directory = options.GenerateTokenDirectory!;
        var path = Path.Combine(directory, AdminOptions.GeneratedTokenFileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(directory);
            var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            try
            {
                // CreateNew with mode 0600 from the start: the token is never readable by others, not even briefly.
                var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                    create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using var file = new FileStream(path, create);
                file.Write(Encoding.UTF8.GetBytes(token + "\n"));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process generated it at the same moment: use theirs.
            }
            logger.LogWarning("Admin API: generated a bearer token into {TokenFile} (mode 0600); attestctl reads it with --token-file {TokenFile}", path, path);
        }
        else
        {
            logger.LogInformation("Admin API: bearer token from {TokenFile}", path);
        }
        return ReadTokenFile(path);
    }

    private static string ReadTokenFile(string path)
    {
        string token;
        try
        {
            token = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"admin-token-file-unreadable: the admin token file '{path}' cannot be read: {e.Message}", e);
        }
        if (token.Length < AdminOptions.MinTokenLength)
            throw new InvalidOperationException($"admin-token-too-short: the admin token file '{path}' holds {token.Length} characters; use at least {AdminOptions.MinTokenLength}.");
        return token;
    }
}
