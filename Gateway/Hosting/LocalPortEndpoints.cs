using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansAttest.Gateway.Hosting;

/// <summary>Binds endpoints to one listener of a process that listens on several (agents, admin, metrics, dashboard).</summary>
public static class LocalPortEndpoints
{
    /// <summary>
    /// The endpoint answers only on connections that arrived on <paramref name="port"/> (<see cref="LocalPortMatcherPolicy"/>).
    /// Not by the Host header: the client writes that one, and behind a Service or load balancer it names another port
    /// (agents dial 443, the pod listens on 7443). Without <see cref="AddLocalPortRouting"/> the endpoint refuses to build.
    /// </summary>
    public static TBuilder RequireLocalPort<TBuilder>(this TBuilder builder, int port) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (!endpoint.ApplicationServices.GetServices<MatcherPolicy>().OfType<LocalPortMatcherPolicy>().Any())
                throw new InvalidOperationException($"{endpoint.DisplayName} is bound to port {port}, but AddLocalPortRouting() was not called: it would answer on every port");
            endpoint.Metadata.Add(new LocalPortMetadata(port));
        });
        return builder;
    }

    /// <summary>Registers the routing policy behind <see cref="RequireLocalPort{TBuilder}"/> (idempotent).</summary>
    public static IServiceCollection AddLocalPortRouting(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, LocalPortMatcherPolicy>());
        return services;
    }
}
