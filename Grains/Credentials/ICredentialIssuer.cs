namespace OrleansAttest.Grains.Credentials;

/// <summary>
/// Makes a node's credentials (DESIGN.md step 7) and takes them back. Embedded: <see cref="ConfiguredCredentialIssuer"/>
/// (files from configuration); the Kubernetes issuer (bootstrap tokens) plugs in here later. Called by node grains on
/// their turn: implementations must be thread-safe and should not block for long.
/// </summary>
public interface ICredentialIssuer
{
    /// <summary>The node's credential files and their validity.</summary>
    /// <exception cref="CredentialIssueException">They cannot be made now (the grain logs, counts and retries at the next poll).</exception>
    Task<IssuedCredentials> IssueAsync(CredentialRequest request, CancellationToken cancellationToken = default);

    /// <summary>Invalidates what was issued to <paramref name="nodeName"/> (failure, revocation, deletion); returns a sentence saying what was done.</summary>
    Task<string> RevokeAsync(string nodeName, string reason, CancellationToken cancellationToken = default);
}
