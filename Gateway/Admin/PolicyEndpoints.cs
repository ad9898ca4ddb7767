using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OrleansAttest.Gateway.Agents;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Interfaces.Listing;

namespace OrleansAttest.Gateway.Admin;

/// <summary><c>/api/v1/policies</c>: list, get, apply (validated by the policy grain: a refused write changes nothing), delete.</summary>
public static class PolicyEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var policies = api.MapGroup("/policies").WithTags("policies");
        policies.MapGet("", ListAsync).WithName("ListPolicies").WithSummary("Every stored policy, sorted by name").Produces<AttestationPolicy[]>();
        policies.MapGet("/{name}", GetAsync).WithName("GetPolicy").WithSummary("One policy")
            .Produces<AttestationPolicy>().ProducesProblem(StatusCodes.Status404NotFound);
        policies.MapPut("/{name}", ApplyAsync).WithName("ApplyPolicy")
            .WithSummary("Creates or replaces a policy; an invalid one is refused with every problem named and nothing stored")
            .DocumentsJsonBody<AttestationPolicy>().Produces<AttestationPolicy>().ProducesProblem(StatusCodes.Status400BadRequest);
        policies.MapDelete("/{name}", DeleteAsync).WithName("DeletePolicy").WithSummary("Deletes a policy")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> ListAsync(IGrainFactory grains)
    {
        var names = await grains.GetGrain<IPolicyDirectoryGrain>(NodeDirectory.PolicyDirectoryKey).ListAsync();
        var policies = await Task.WhenAll(names.Select(n => grains.GetGrain<IPolicyGrain>(n).GetAsync()));
        return TypedResults.Ok(policies.OfType<AttestationPolicy>().ToArray());
    }

    private static async Task<IResult> GetAsync(IGrainFactory grains, string name)
    {
        if (NodeNames.Problem(name, "policy name") is { } problem)
            return AdminProblems.BadRequest(AdminReasons.InvalidPolicyName, problem);
        return await grains.GetGrain<IPolicyGrain>(name).GetAsync() is { } policy
            ? TypedResults.Ok(policy)
            : AdminProblems.NotFound(AdminReasons.PolicyNotFound, $"policy '{name}' does not exist");
    }

    private static async Task<IResult> ApplyAsync(HttpContext http, IGrainFactory grains, ILoggerFactory loggers, string name)
    {
        if (NodeNames.Problem(name, "policy name") is { } nameProblem)
            return AdminProblems.BadRequest(AdminReasons.InvalidPolicyName, nameProblem);
        var (body, bodyProblem) = await AdminJson.ReadObjectAsync(http.Request);
        if (bodyProblem is not null)
            return bodyProblem;
        // The name in the path is the policy's identity; a body without one takes it, a body with another is refused by the grain.
        body!["name"] ??= name;
        var (policy, problem) = AdminJson.Convert<AttestationPolicy>(body, "an AttestationPolicy");
        if (problem is not null)
            return problem;
        var grain = grains.GetGrain<IPolicyGrain>(name);
        var result = await grain.SetAsync(policy!);
        if (!result.Accepted)
            return AdminProblems.BadRequest(result.ReasonCode ?? "policy-invalid", result.Detail);
        loggers.CreateLogger("OrleansAttest.Gateway.Admin").LogInformation("Admin API: policy {Policy} applied by {Caller}: {Detail}",
            name, AdminEndpointFilter.Caller(http), result.Detail);
        return TypedResults.Ok(await grain.GetAsync());
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, IGrainFactory grains, ILoggerFactory loggers, string name)
    {
        if (NodeNames.Problem(name, "policy name") is { } nameProblem)
            return AdminProblems.BadRequest(AdminReasons.InvalidPolicyName, nameProblem);
        var grain = grains.GetGrain<IPolicyGrain>(name);
        if (await grain.GetAsync() is null)
            return AdminProblems.NotFound(AdminReasons.PolicyNotFound, $"policy '{name}' does not exist");
        await grain.DeleteAsync();
        loggers.CreateLogger("OrleansAttest.Gateway.Admin").LogInformation("Admin API: policy {Policy} deleted by {Caller}", name, AdminEndpointFilter.Caller(http));
        return TypedResults.NoContent();
    }
}
