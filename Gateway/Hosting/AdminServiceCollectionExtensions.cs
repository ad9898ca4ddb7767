using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using OrleansAttest.Gateway.Admin;

namespace OrleansAttest.Gateway.Hosting;

public static class AdminServiceCollectionExtensions
{
    public const string OpenApiDocumentName = "v1";

    /// <summary>
    /// The admin REST API's services: options from section <c>OrleansAttest:Admin</c> (validated at startup; no token
    /// source = no start), the bearer token, metrics, JSON with enums as strings, and the OpenAPI document (bearer
    /// scheme declared). Needs an <see cref="IGrainFactory"/> (the silo's own when co-hosted, an Orleans client otherwise).
    /// </summary>
    public static IServiceCollection AddAttestationAdminApi(this IServiceCollection services, Action<AdminOptions>? configure = null)
    {
        services.AddLocalPortRouting();
        var options = services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateOnStart();
        if (configure is not null)
            options.Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<AdminMetrics>();
        services.TryAddSingleton<AdminToken>();
        services.TryAddSingleton<AdminEndpointFilter>();
        services.Configure<JsonOptions>(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddOpenApi(OpenApiDocumentName, openApi =>
        {
            openApi.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true
                || description.RelativePath == "api/v1";
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "OrleansAttest admin API";
                document.Info.Description = "Nodes and policies of the OrleansAttest verifier. Every /api/v1 route needs 'Authorization: Bearer <token>'; "
                    + "errors are RFC 7807 problem+json with a stable 'reasonCode'.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "The admin token (OrleansAttest:Admin:Token, :TokenFile, or the generated admin-token file)",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
                return Task.CompletedTask;
            });
        });
        return services;
    }
}
