namespace OrleansAttest.Tpm.Credentials;

/// <summary>A credential cannot be made for these inputs (wrong kind of EK, unsupported algorithm, bad AK Name, oversize credential).</summary>
public sealed class CredentialException(string message, Exception? inner = null) : Exception(message, inner);
