using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace OrleansAttest.Gateway.Admin;

/// <summary>
/// Runs before every /api/v1 handler: the request must have come in on the admin listener (co-hosted, the routes also
/// exist on the silo's other ports), carry the bearer token, and a failure to reach the cluster becomes 503 with
/// <c>cluster-unavailable</c> rather than a stack trace.
/// </summary>
public sealed class AdminEndpointFilter(AdminToken token, IOptions<AdminOptions> options, AdminMetrics metrics, ILogger<AdminEndpointFilter> logger)
    : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Connection.LocalPort != options.Value.Port)
            return Results.NotFound();

        if (Authenticate(http) is { } refusal)
            return refusal;

        try
        {
            var result = await next(context);
            metrics.Served(StatusOf(result));
            return result;
        }
        catch (Exception e) when (IsClusterUnavailable(e) && !http.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning(e, "Admin API: {Method} {Path} from {Caller}: the verifier cluster is unreachable", http.Request.Method, http.Request.Path, Caller(http));
            metrics.Served(StatusCodes.Status503ServiceUnavailable);
            return AdminProblems.Create(StatusCodes.Status503ServiceUnavailable, AdminReasons.ClusterUnavailable,
                $"the verifier cluster could not be reached ({e.GetType().Name}: {e.Message}); nothing was changed by this request, try again");
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(e, "Admin API: {Method} {Path} from {Caller} failed unexpectedly", http.Request.Method, http.Request.Path, Caller(http));
            metrics.Served(StatusCodes.Status500InternalServerError);
            return AdminProblems.Create(StatusCodes.Status500InternalServerError, AdminReasons.InternalError,
                $"the request failed unexpectedly ({e.GetType().Name}: {e.Message})");
        }
    }

    public static string Caller(HttpContext http) => $"{http.Connection.RemoteIpAddress}:{http.Connection.RemotePort}";

    private IResult? Authenticate(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        string reason, detail;
        if (string.IsNullOrEmpty(header))
        {
            (reason, detail) = (AdminReasons.TokenMissing, "the request has no Authorization header; send 'Authorization: Bearer <token>'");
        }
        else if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            (reason, detail) = (AdminReasons.TokenMissing, "the Authorization header is not 'Bearer <token>'");
        }
        else if (!token.Matches(header[7..].Trim()))
        {
            (reason, detail) = (AdminReasons.TokenInvalid, "the bearer token is not the admin API's token");
        }
        else
        {
            return null;
        }
        metrics.AuthFailed(reason);
        logger.LogWarning("Admin API: {Method} {Path} from {Caller} refused with 401 ({Reason})", http.Request.Method, http.Request.Path, Caller(http), reason);
        http.Response.Headers.WWWAuthenticate = reason == AdminReasons.TokenInvalid ? "Bearer error=\"invalid_token\"" : "Bearer";
        return AdminProblems.Create(StatusCodes.Status401Unauthorized, reason, detail);
    }

    private static bool IsClusterUnavailable(Exception e) =>
        e is OrleansException or TimeoutException || e.InnerException is OrleansException or TimeoutException;

    private static int StatusOf(object? result) => result is IStatusCodeHttpResult { StatusCode: { } status } ? status : StatusCodes.Status200OK;
}
