namespace OrleansAttest.Gateway.Admin;

/// <summary>
/// Body of <c>PUT /api/v1/nodes/{name}</c>: the TPM's EK by certificate (PEM, or base64 DER) or by public hash, the
/// policy's name, and whether the node is suspended.
/// </summary>
public sealed record NodeDeclarationRequest(string? Policy, string? EkPublicSha256 = null, string? EkCertificate = null, bool Suspend = false);
