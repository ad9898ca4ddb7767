using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.Grains.Credentials;

/// <summary>What an issuer made: files (validated as a <see cref="CredentialBundle"/> before sealing) and their validity.</summary>
public sealed record IssuedCredentials(IReadOnlyList<CredentialBundleFile> Files, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);
