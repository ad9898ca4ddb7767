using Microsoft.Extensions.Options;

namespace OrleansAttest.Grains.Credentials;

/// <summary>What a node grain needs for credential delivery, as one dependency: the issuer, its options, the metrics.</summary>
public sealed class NodeCredentials(ICredentialIssuer issuer, IOptions<CredentialOptions> options, CredentialMetrics metrics)
{
    public ICredentialIssuer Issuer { get; } = issuer;
    public CredentialOptions Options => options.Value;
    public CredentialMetrics Metrics { get; } = metrics;
}
