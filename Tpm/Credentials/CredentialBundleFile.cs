namespace OrleansAttest.Tpm.Credentials;

/// <summary>One credential file of a <see cref="CredentialBundle"/>: a plain file name (see <see cref="CredentialBundle.NameProblem"/>) and its bytes.</summary>
public sealed record CredentialBundleFile(string Name, byte[] Content);
