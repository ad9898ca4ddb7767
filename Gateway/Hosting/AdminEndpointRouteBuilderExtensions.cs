using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansAttest.Gateway.Admin;

namespace OrleansAttest.Gateway.Hosting;

public static class AdminEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/api/v1/nodes…</c> and <c>/api/v1/policies…</c> behind the bearer token, and the OpenAPI document at
    /// <c>/openapi/v1.json</c> (without authentication: it describes the API, not the fleet), both answering only on the
    /// admin port. Resolves the token now, so a missing or unreadable one stops the host at startup.
    /// </summary>
    public static RouteGroupBuilder MapAttestationAdminApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.ServiceProvider.GetRequiredService<AdminToken>().EnsureResolved();
        var port = endpoints.ServiceProvider.GetRequiredService<IOptions<AdminOptions>>().Value.Port;
        var api = endpoints.MapGroup("/api/v1");
        api.AddEndpointFilter<AdminEndpointFilter>();
        NodeEndpoints.Map(api);
        PolicyEndpoints.Map(api);
        endpoints.MapOpenApi("/openapi/{documentName}.json").RequireLocalPort(port);
        return api;
    }
}
