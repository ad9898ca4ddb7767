using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OrleansAttest.Gateway.Agents;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;

namespace OrleansAttest.Gateway.Admin;

/// <summary>
/// <c>/api/v1/nodes</c>: list (from the sharded directory, never activating the nodes), get, declare, reset, revoke,
/// delete, audit. A node that was never declared is 404 and stays uncreated: reading a status writes nothing.
/// </summary>
public static class NodeEndpoints
{
    private const string ResetNotNeeded = "reset-not-needed";
    private const string GrainInternalError = "internal-error";

    public static void Map(RouteGroupBuilder api)
    {
        var nodes = api.MapGroup("/nodes").WithTags("nodes");
        nodes.MapGet("", ListAsync).WithName("ListNodes")
            .WithSummary("Nodes sorted by name, optionally of one phase; page with limit (default 500, max 5000) and continue (the last name returned)")
            .Produces<NodeListPage>().ProducesProblem(StatusCodes.Status400BadRequest);
        nodes.MapGet("/{name}", GetAsync).WithName("GetNode").WithSummary("A node's status")
            .Produces<EdgeNodeStatus>().ProducesProblem(StatusCodes.Status404NotFound);
        nodes.MapPut("/{name}", DeclareAsync).WithName("DeclareNode")
            .WithSummary("Creates or updates a node's declaration (EK by certificate or public hash, policy, suspend)")
            .DocumentsJsonBody<NodeDeclarationRequest>().Produces<EdgeNodeStatus>().ProducesProblem(StatusCodes.Status400BadRequest);
        nodes.MapPost("/{name}/reset", ResetAsync).WithName("ResetNode")
            .WithSummary("Clears Failed, Unreachable or Revoked: attestation starts over from activation")
            .DocumentsJsonBody<OperatorActionRequest>(required: false).Produces<EdgeNodeStatus>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        nodes.MapPost("/{name}/revoke", RevokeAsync).WithName("RevokeNode").WithSummary("Revokes a node (reason required)")
            .DocumentsJsonBody<OperatorActionRequest>().Produces<EdgeNodeStatus>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        nodes.MapDelete("/{name}", DeleteAsync).WithName("DeleteNode").WithSummary("Deletes a node's declaration and trust")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        nodes.MapGet("/{name}/audit", AuditAsync).WithName("GetNodeAudit").WithSummary("The newest audit entries, newest first (max 1..1000, default 100)")
            .Produces<AuditEntry[]>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(IGrainFactory grains, string? phase, string? limit, [FromQuery(Name = "continue")] string? continueAfter)
    {
        NodePhase? phaseFilter = null;
        if (!string.IsNullOrEmpty(phase))
        {
            if (!Enum.TryParse<NodePhase>(phase, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || char.IsDigit(phase[0]))
                return AdminProblems.BadRequest(AdminReasons.InvalidQuery, $"phase '{phase}' is not one of {string.Join(", ", Enum.GetNames<NodePhase>())}");
            phaseFilter = parsed;
        }
        int pageSize = NodeDirectory.DefaultListLimit;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, out pageSize) || pageSize is < 1 or > NodeDirectory.MaxListLimit))
            return AdminProblems.BadRequest(AdminReasons.InvalidQuery, $"limit '{limit}' must be a number from 1 to {NodeDirectory.MaxListLimit}");
        return TypedResults.Ok(await NodeDirectory.ListAsync(grains, phaseFilter, continueAfter, pageSize));
    }

    private static async Task<IResult> GetAsync(IGrainFactory grains, string name)
    {
        var (status, problem) = await FindAsync(grains, name);
        return problem ?? TypedResults.Ok(status);
    }

    private static async Task<IResult> DeclareAsync(HttpContext http, IGrainFactory grains, ILoggerFactory loggers, string name)
    {
        if (NodeNames.Problem(name) is { } nameProblem)
            return AdminProblems.BadRequest(AdminReasons.InvalidNodeName, nameProblem);
        var (body, bodyProblem) = await AdminJson.ReadObjectAsync(http.Request);
        if (bodyProblem is not null)
            return bodyProblem;
        var (request, requestProblem) = AdminJson.Convert<NodeDeclarationRequest>(body!, "a node declaration (policy, ekPublicSha256 or ekCertificate, suspend)");
        if (requestProblem is not null)
            return requestProblem;
        if (string.IsNullOrWhiteSpace(request!.Policy))
            return AdminProblems.BadRequest(AdminReasons.DeclarationInvalid, "the declaration names no policy: set \"policy\"");
        // The same rule as the policy routes: a policy this API could never have created is no policy to declare under.
        if (NodeNames.Problem(request.Policy.Trim(), "policy name") is { } policyProblem)
            return AdminProblems.BadRequest(AdminReasons.InvalidPolicyName, policyProblem);
        byte[]? certificate = null;
        if (!string.IsNullOrWhiteSpace(request.EkCertificate))
        {
            var text = request.EkCertificate.Trim();
            if (text.StartsWith("-----BEGIN", StringComparison.Ordinal))
            {
                certificate = Encoding.ASCII.GetBytes(text);
            }
            else
            {
                try
                {
                    certificate = Convert.FromBase64String(text);
                }
                catch (FormatException)
                {
                    return AdminProblems.BadRequest(AdminReasons.DeclarationInvalid, "ekCertificate is neither PEM ('-----BEGIN CERTIFICATE-----') nor base64 DER");
                }
            }
        }
        var declaration = new NodeDeclaration(name, request.Policy.Trim(), certificate,
            string.IsNullOrWhiteSpace(request.EkPublicSha256) ? null : request.EkPublicSha256.Trim(), request.Suspend);
        var status = await grains.GetGrain<IEdgeNodeGrain>(name).DeclareAsync(declaration);
        if (status.ReasonCode == AdminReasons.DeclarationInvalid)
            return AdminProblems.BadRequest(AdminReasons.DeclarationInvalid, status.Detail);
        if (status.ReasonCode == GrainInternalError)
            return Unavailable(status);
        Log(loggers).LogInformation("Admin API: node {Node} declared under policy {Policy}{Suspended} by {Caller}",
            name, declaration.PolicyName, declaration.Suspend ? " (suspended)" : "", AdminEndpointFilter.Caller(http));
        return TypedResults.Ok(status);
    }

    private static async Task<IResult> ResetAsync(HttpContext http, IGrainFactory grains, ILoggerFactory loggers, string name)
    {
        var (_, problem) = await FindAsync(grains, name);
        if (problem is not null)
            return problem;
        var (reason, reasonProblem) = await ReadReasonAsync(http, required: false);
        if (reasonProblem is not null)
            return reasonProblem;
        var status = await grains.GetGrain<IEdgeNodeGrain>(name).ResetAsync(WithCaller(reason, http));
        if (status.ReasonCode == ResetNotNeeded)
            return AdminProblems.Conflict(ResetNotNeeded, status.Detail);
        if (status.ReasonCode == AdminReasons.NodeDeleted)
            return AdminProblems.NotFound(AdminReasons.NodeDeleted, status.Detail);
        if (status.ReasonCode == GrainInternalError)
            return Unavailable(status);
        Log(loggers).LogInformation("Admin API: node {Node} reset by {Caller} ({Reason})", name, AdminEndpointFilter.Caller(http), reason ?? "no reason given");
        return TypedResults.Ok(status);
    }

    private static async Task<IResult> RevokeAsync(HttpContext http, IGrainFactory grains, ILoggerFactory loggers, string name)
    {
        if (NodeNames.Problem(name) is { } nameProblem)
            return AdminProblems.BadRequest(AdminReasons.InvalidNodeName, nameProblem);
        var (reason, reasonProblem) = await ReadReasonAsync(http, required: true);
        if (reasonProblem is not null)
            return reasonProblem;
        var (_, problem) = await FindAsync(grains, name);
        if (problem is not null)
            return problem;
        var status = await grains.GetGrain<IEdgeNodeGrain>(name).RevokeAsync(WithCaller(reason, http));
        if (status.ReasonCode == GrainInternalError)
            return Unavailable(status);
        Log(loggers).LogInformation("Admin API: node {Node} revoked by {Caller} ({Reason})", name, AdminEndpointFilter.Caller(http), reason);
        return TypedResults.Ok(status);
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, IGrainFactory grains, ILoggerFactory loggers, string name)
    {
        var (_, problem) = await FindAsync(grains, name);
        if (problem is not null)
            return problem;
        var grain = grains.GetGrain<IEdgeNodeGrain>(name);
        await grain.DeleteAsync();
        // DeleteAsync answers nothing; a failure inside the grain leaves the phase unchanged, so check it.
        var after = await grain.GetStatusAsync();
        if (after.Phase != NodePhase.Deleted)
            return AdminProblems.Create(StatusCodes.Status503ServiceUnavailable, GrainInternalError,
                $"node '{name}' could not be deleted (it is still {after.Phase}); nothing was changed, try again");
        Log(loggers).LogInformation("Admin API: node {Node} deleted by {Caller}", name, AdminEndpointFilter.Caller(http));
        return TypedResults.NoContent();
    }

    private static async Task<IResult> AuditAsync(IGrainFactory grains, string name, string? max)
    {
        int count = 100;
        if (!string.IsNullOrEmpty(max) && (!int.TryParse(max, out count) || count is < 1 or > 1000))
            return AdminProblems.BadRequest(AdminReasons.InvalidQuery, $"max '{max}' must be a number from 1 to 1000");
        // The audit of a deleted node stays readable: it says why and when it went.
        var (_, problem) = await FindAsync(grains, name, allowDeleted: true);
        if (problem is not null)
            return problem;
        return TypedResults.Ok(await grains.GetGrain<IEdgeNodeGrain>(name).GetAuditAsync(count));
    }

    /// <summary>
    /// The node's status, or 400/404. GetStatusAsync writes nothing, so asking about an unknown name creates no node;
    /// a never-declared node is recognised by having no declaration, no EK and no phase history.
    /// </summary>
    private static async Task<(EdgeNodeStatus? Status, IResult? Problem)> FindAsync(IGrainFactory grains, string name, bool allowDeleted = false)
    {
        if (NodeNames.Problem(name) is { } nameProblem)
            return (null, AdminProblems.BadRequest(AdminReasons.InvalidNodeName, nameProblem));
        var status = await grains.GetGrain<IEdgeNodeGrain>(name).GetStatusAsync();
        bool known = status.Declared || status.PhaseSince != default || status.EkPublicSha256 is not null || status.AkName is not null;
        if (!known)
            return (null, AdminProblems.NotFound(AdminReasons.NodeNotFound, $"node '{name}' is not declared"));
        if (status.Phase == NodePhase.Deleted && !allowDeleted)
            return (null, AdminProblems.NotFound(AdminReasons.NodeDeleted, $"node '{name}' was deleted; declare it again with PUT to bring it back"));
        return (status, null);
    }

    private static async Task<(string? Reason, IResult? Problem)> ReadReasonAsync(HttpContext http, bool required)
    {
        var (body, problem) = await AdminJson.ReadObjectAsync(http.Request, optional: !required);
        if (problem is not null)
            return (null, problem);
        var (request, requestProblem) = AdminJson.Convert<OperatorActionRequest>(body!, "{\"reason\": \"...\"}");
        if (requestProblem is not null)
            return (null, requestProblem);
        var reason = request!.Reason?.Trim();
        if (required && string.IsNullOrEmpty(reason))
            return (null, AdminProblems.BadRequest(AdminReasons.ReasonRequired, "a revocation needs a reason: send {\"reason\": \"...\"}"));
        if (reason is { Length: > 1000 })
            return (null, AdminProblems.BadRequest(AdminReasons.MalformedBody, $"the reason has {reason.Length} characters; at most 1000 are kept"));
        return (string.IsNullOrEmpty(reason) ? null : reason, null);
    }

    /// <summary>The grain audits the reason, so the caller's address goes into the node's audit stream with it.</summary>
    private static string WithCaller(string? reason, HttpContext http) =>
        $"{reason ?? "no reason given"}; via the admin API from {http.Connection.RemoteIpAddress}";

    private static IResult Unavailable(EdgeNodeStatus status) =>
        AdminProblems.Create(StatusCodes.Status503ServiceUnavailable, GrainInternalError, status.Detail);

    private static ILogger Log(ILoggerFactory loggers) => loggers.CreateLogger("OrleansAttest.Gateway.Admin");
}
