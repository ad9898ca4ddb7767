using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace OrleansAttest.Gateway.Hosting;

/// <summary>
/// Routes by the port a connection actually arrived on. <c>RequireHost("*:port")</c> matches the Host header instead,
/// which the client writes: a request to the public agent port carrying <c>Host: x:8081</c> reached the dashboard, and
/// an agent dialling a load balancer's 443 was refused by the pod's 7443. A candidate with <see cref="LocalPortMetadata"/>
/// for another port is not a match, so such a request gets a 404.
/// </summary>
internal sealed class LocalPortMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    // Any order: it only removes candidates.
    public override int Order => 1000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) =>
        endpoints.Any(e => e.Metadata.GetMetadata<LocalPortMetadata>() is not null);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        int port = httpContext.Connection.LocalPort;
        for (int i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && candidates[i].Endpoint.Metadata.GetMetadata<LocalPortMetadata>() is { } required && required.Port != port)
                candidates.SetValidity(i, false);
        }
        return Task.CompletedTask;
    }
}
