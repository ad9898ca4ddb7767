using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using OrleansAttest.Gateway.Agents;

namespace OrleansAttest.Gateway.Hosting;

public static class GatewayEndpointRouteBuilderExtensions
{
    /// <summary>Maps the agent endpoint (service orleansattest.agent.v1.AgentGateway).</summary>
    public static GrpcServiceEndpointConventionBuilder MapAttestationGateway(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGrpcService<AgentGatewayService>();
}
