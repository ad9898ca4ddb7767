namespace OrleansAttest.Grains.Credentials;

/// <summary>An issuer cannot make a node's credentials now (a source file is missing, a backend is down).</summary>
public sealed class CredentialIssueException(string message, Exception? inner = null) : Exception(message, inner);
