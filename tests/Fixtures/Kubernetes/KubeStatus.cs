using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>Builds meta/v1 Status objects, the body of every error answer and of a successful delete.</summary>
public static class KubeStatus
{
    public static JsonObject Failure(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
            ["code"] = code,
        };
        if (details is not null)
            status["details"] = details;
        return status;
    }

    public static JsonObject From(KubeApiException e) => Failure(e.Code, e.Reason, e.Message, e.Details?.DeepClone().AsObject());

    public static JsonObject Success(KubeResourceType type, string name, string? uid) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = Details(type, name, uid),
    };

    public static JsonObject Details(KubeResourceType type, string name, string? uid = null)
    {
        var details = new JsonObject { ["name"] = name, ["group"] = type.Group, ["kind"] = type.Plural };
        if (uid is not null)
            details["uid"] = uid;
        return details;
    }
}
