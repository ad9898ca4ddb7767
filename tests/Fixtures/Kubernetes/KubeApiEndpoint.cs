using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>Routes one request: health, discovery, openapi, or a resource verb; errors become Status objects.</summary>
public sealed class KubeApiEndpoint(KubeStore store, KubeTypeRegistry registry, KubeResourceHandler resources,
    KubeWatchStream watches, KubeApiServerOptions options, TimeProvider time, Func<string> serverAddress)
{
    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await RouteAsync(context);
        }
        catch (KubeApiException e)
        {
            if (!context.Response.HasStarted)
                await WriteAsync(context, e.Code, KubeStatus.From(e));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A server bug, not bad input: tests fail on any 500 (see the malformed-input tests).
            if (!context.Response.HasStarted)
                await WriteAsync(context, 500, KubeStatus.Failure(500, "InternalError", $"Internal error occurred: {e.GetType().Name}: {e.Message}"));
        }
    }

    private async Task RouteAsync(HttpContext context)
    {
        var segments = (context.Request.Path.Value ?? "").Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (segments)
        {
            case ["healthz" or "readyz" or "livez", ..]:
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("ok");
                return;
            case ["version"]:
                await WriteAsync(context, 200, KubeDiscovery.Version());
                return;
            case ["api"]:
                await WriteAsync(context, 200, KubeDiscovery.CoreVersions(serverAddress()));
                return;
            case ["apis"]:
                await WriteAsync(context, 200, KubeDiscovery.Groups(registry.All));
                return;
            case ["api", var version]:
                await WriteAsync(context, 200, KubeDiscovery.Resources(registry.All, "", version) ?? throw NotServed(context));
                return;
            case ["apis", var group, var version]:
                await WriteAsync(context, 200, KubeDiscovery.Resources(registry.All, group, version) ?? throw NotServed(context));
                return;
            case ["api", var version, .. var rest] when rest.Length > 0:
                await ResourceAsync(context, KubeRequestTarget.Parse(registry, "", version, rest) ?? throw NotServed(context));
                return;
            case ["apis", var group, var version, .. var rest] when rest.Length > 0:
                await ResourceAsync(context, KubeRequestTarget.Parse(registry, group, version, rest) ?? throw NotServed(context));
                return;
            case ["openapi", "v3"]:
                await WriteAsync(context, 200, KubeOpenApi.Index(registry.All));
                return;
            case ["openapi", "v3", "api", var version]:
                await WriteAsync(context, 200, KubeOpenApi.GroupVersion(registry.All, "", version) ?? throw NotServed(context));
                return;
            case ["openapi", "v3", "apis", var group, var version]:
                await WriteAsync(context, 200, KubeOpenApi.GroupVersion(registry.All, group, version) ?? throw NotServed(context));
                return;
            default:
                // Includes /openapi/v2: not served (kubectl uses v3).
                throw NotServed(context);
        }
    }

    private async Task ResourceAsync(HttpContext context, KubeRequestTarget target)
    {
        var request = context.Request;
        bool dryRun = request.Query["dryRun"] == "All";
        switch (request.Method)
        {
            case "GET" when target.Name is null:
            {
                var selector = KubeSelector.Parse(request.Query["labelSelector"], request.Query["fieldSelector"]);
                if (request.Query["watch"] is ["true" or "1"])
                {
                    await watches.ServeAsync(context, target, selector);
                    return;
                }
                var (items, rv) = store.List(target.Type, target.Type.Namespaced ? target.Namespace : null, selector);
                if (KubeTable.Wanted(request.Headers.Accept))
                {
                    await WriteAsync(context, 200, KubeTable.Render(target.Type, items, rv, request.Query["includeObject"] != "None", time.GetUtcNow()));
                    return;
                }
                await WriteAsync(context, 200, new JsonObject
                {
                    ["kind"] = target.Type.ListKind,
                    ["apiVersion"] = target.Type.GroupVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString() },
                    ["items"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()),
                });
                return;
            }
            case "GET":
            {
                var obj = resources.Get(target);
                if (KubeTable.Wanted(request.Headers.Accept))
                    await WriteAsync(context, 200, KubeTable.Render(target.Type, [obj], store.CurrentResourceVersion, request.Query["includeObject"] != "None", time.GetUtcNow()));
                else
                    await WriteAsync(context, 200, obj);
                return;
            }
            case "POST" when target.Name is null && target.Namespace is not null:
            {
                var body = KubeRequestBody.RequireObject(await KubeRequestBody.ReadAsync(request, options.MaxRequestBodyBytes, allowYaml: false));
                await WriteAsync(context, 201, resources.Create(target, body, dryRun));
                return;
            }
            case "PUT" when target.Name is not null:
            {
                var body = KubeRequestBody.RequireObject(await KubeRequestBody.ReadAsync(request, options.MaxRequestBodyBytes, allowYaml: false));
                await WriteAsync(context, 200, resources.Update(target, _ => body, dryRun) ?? new JsonObject());
                return;
            }
            case "PATCH" when target.Name is not null:
                await PatchAsync(context, target, dryRun);
                return;
            case "DELETE" when target.Name is not null:
            {
                JsonObject? deleteOptions = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0
                    ? KubeRequestBody.RequireObject(await KubeRequestBody.ReadAsync(request, options.MaxRequestBodyBytes, allowYaml: false))
                    : null;
                var (obj, gone) = resources.Delete(target, deleteOptions, dryRun);
                await WriteAsync(context, 200, gone ? KubeStatus.Success(target.Type, target.Name, KubeObjects.Str(obj["metadata"]?["uid"])) : obj);
                return;
            }
            default:
                throw new KubeApiException(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource ({request.Method} {request.Path})");
        }
    }

    private async Task PatchAsync(HttpContext context, KubeRequestTarget target, bool dryRun)
    {
        var request = context.Request;
        string contentType = (request.ContentType ?? "").Split(';')[0].Trim();
        bool apply = contentType == "application/apply-patch+yaml";
        if (contentType is not ("application/merge-patch+json" or "application/json-patch+json" or "application/strategic-merge-patch+json") && !apply)
            throw new KubeApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got \"{contentType}\")");
        if (contentType == "application/strategic-merge-patch+json" && target.Type.IsCustom)
            throw new KubeApiException(415, "UnsupportedMediaType", "strategic merge patch is not supported for custom resources; use application/merge-patch+json or application/apply-patch+yaml");
        var patch = await KubeRequestBody.ReadAsync(request, options.MaxRequestBodyBytes, allowYaml: apply);
        string ns = target.Namespace ?? "";
        var current = store.Get(target.Type, ns, target.Name!);

        if (apply)
        {
            var applied = KubeRequestBody.RequireObject(patch);
            string manager = request.Query["fieldManager"].ToString();
            if (manager.Length == 0)
                throw KubeResourceHandler.Invalid(target.Type, target.Name!, [new("fieldManager", "FieldValueRequired", "Required value: is required for apply patch")]);
            string sub = target.Subresource ?? "";
            var previous = store.AppliedConfiguration(target.Type, ns, target.Name!, manager, sub);
            if (current is null)
            {
                if (target.Subresource is not null)
                    throw KubeApiException.NotFound(target.Type, target.Name!);
                var created = resources.Create(target, KubeServerSideApply.Apply(null, applied, null, target.Type.Schema), dryRun);
                if (!dryRun)
                    store.RememberApplied(target.Type, ns, target.Name!, manager, sub, applied);
                await WriteAsync(context, 201, created);
                return;
            }
            var written = resources.Update(target, live => KubeServerSideApply.Apply(live, StripPreconditions(applied), previous, target.Type.Schema), dryRun, requireResourceVersion: false);
            if (!dryRun)
                store.RememberApplied(target.Type, ns, target.Name!, manager, sub, applied);
            await WriteAsync(context, 200, written ?? new JsonObject());
            return;
        }

        if (current is null)
            throw KubeApiException.NotFound(target.Type, target.Name!);
        if (contentType != "application/json-patch+json")
            KubeRequestBody.RequireObject(patch);
        var result = resources.Update(target, live => KubeRequestBody.RequireObject(contentType switch
        {
            "application/json-patch+json" => KubeJsonPatch.Apply(live, patch ?? throw KubeApiException.BadRequest("the patch is null")),
            "application/strategic-merge-patch+json" => KubeStrategicMergePatch.Apply(live, patch),
            _ => KubeMergePatch.Apply(live, patch),
        }), dryRun, requireResourceVersion: false);
        await WriteAsync(context, 200, result ?? new JsonObject());
    }

    // An applied configuration says what the manager wants, not which version it read: no precondition.
    private static JsonObject StripPreconditions(JsonObject applied)
    {
        var copy = applied.DeepClone().AsObject();
        (copy["metadata"] as JsonObject)?.Remove("resourceVersion");
        return copy;
    }

    private static KubeApiException NotServed(HttpContext context) =>
        new(404, "NotFound", $"the server could not find the requested resource ({context.Request.Method} {context.Request.Path})");

    /// <summary>Quotes as Go's encoder does (\" rather than \u0022), so messages read the same as a real apiserver's.</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Where <see cref="WriteAsync"/> leaves the body it answered with, for <see cref="KubeApiServer.RequestCompleted"/>.</summary>
    public const string ResponseItem = "orleansattest.kube.response";

    public static async Task WriteAsync(HttpContext context, int code, JsonObject body)
    {
        context.Items[ResponseItem] = body;
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(Json), context.RequestAborted);
    }
}
