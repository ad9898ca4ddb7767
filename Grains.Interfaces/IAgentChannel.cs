using Orleans.Concurrency;

namespace OrleansAttest.Grains.Interfaces;

/// <summary>
/// The grain's way to the agent: implemented by the Gateway for each proven connection (and by test agents).
/// Calls are one-way so a slow or vanished agent never blocks its grain; deadlines are the grain's timer's job.
/// </summary>
public interface IAgentChannel : IGrainObserver
{
    /// <summary>Ask for a quote; the answer comes back through <see cref="IEdgeNodeGrain.SubmitQuoteAsync"/>.</summary>
    [OneWay]
    Task RequestQuoteAsync(QuoteRequest request);

    /// <summary>
    /// Tell the agent its node failed or was revoked: it deletes its credentials. Reason code <c>reset</c> means an
    /// operator reset the node: its binding is gone and it must say hello and activate again.
    /// </summary>
    [OneWay]
    Task RevokedAsync(string reasonCode, string detail);

    /// <summary>The node's credentials, bound to its TPM; the answer comes back through <see cref="IEdgeNodeGrain.AcknowledgeCredentialsAsync"/>.</summary>
    [OneWay]
    Task DeliverCredentialsAsync(CredentialDelivery delivery);
}
