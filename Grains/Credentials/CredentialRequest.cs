namespace OrleansAttest.Grains.Credentials;

/// <summary>Whose credentials: the node, its policy and the Name of the AK they will be bound to.</summary>
public sealed record CredentialRequest(string NodeName, string? PolicyName, byte[] AkName);
