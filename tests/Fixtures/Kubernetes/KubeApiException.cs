using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>An API error the server answers with a Status object (code, reason, message, optional causes).</summary>
public sealed class KubeApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;

    public static KubeApiException NotFound(KubeResourceType type, string name) =>
        new(404, "NotFound", $"{type.Plural}{type.GroupSuffix} \"{name}\" not found", KubeStatus.Details(type, name));
    public static KubeApiException AlreadyExists(KubeResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.Plural}{type.GroupSuffix} \"{name}\" already exists", KubeStatus.Details(type, name));
    public static KubeApiException Conflict(KubeResourceType type, string name) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.Plural}{type.GroupSuffix} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", KubeStatus.Details(type, name));
    public static KubeApiException BadRequest(string message) => new(400, "BadRequest", message);
    public static KubeApiException Gone(string message) => new(410, "Expired", message);
}
