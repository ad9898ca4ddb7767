using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// The protobuf messages this server decodes (field numbers from k8s.io/api's generated.proto), each to the JSON its
/// Go type marshals to: fields tagged <c>omitempty</c> are left out when empty or zero, pointer fields when absent.
/// </summary>
public static class KubeProtobufKinds
{
    /// <summary>k8s.io.api.core.v1.Secret.</summary>
    public static JsonObject Secret(byte[] bytes)
    {
        var json = new JsonObject();
        var data = new JsonObject();
        var stringData = new JsonObject();
        KubeProtobufReader.Read(bytes, "v1.Secret", (field, reader) =>
        {
            switch (field)
            {
                case 1: json["metadata"] = ObjectMeta(reader.Bytes()); break;
                case 2:
                {
                    var (key, value) = reader.Entry(r => r.Bytes(), []);
                    data[key] = Convert.ToBase64String(value);
                    break;
                }
                case 3: SetText(json, "type", reader.Text()); break;
                case 4:
                {
                    var (key, value) = reader.Entry(r => r.Text(), "");
                    stringData[key] = value;
                    break;
                }
                case 5: json["immutable"] = reader.Bool(); break;
                default: reader.Skip(); break;
            }
        });
        SetNonEmpty(json, "data", data);
        SetNonEmpty(json, "stringData", stringData);
        return json;
    }

    /// <summary>k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions.</summary>
    public static JsonObject DeleteOptions(byte[] bytes)
    {
        var json = new JsonObject();
        var dryRun = new JsonArray();
        KubeProtobufReader.Read(bytes, "v1.DeleteOptions", (field, reader) =>
        {
            switch (field)
            {
                case 1: json["gracePeriodSeconds"] = reader.Int64(); break;
                case 2:
                {
                    var preconditions = new JsonObject();
                    KubeProtobufReader.Read(reader.Bytes(), "v1.Preconditions", (preconditionField, precondition) =>
                    {
                        switch (preconditionField)
                        {
                            case 1: preconditions["uid"] = precondition.Text(); break;
                            case 2: preconditions["resourceVersion"] = precondition.Text(); break;
                            default: precondition.Skip(); break;
                        }
                    });
                    json["preconditions"] = preconditions;
                    break;
                }
                case 3: json["orphanDependents"] = reader.Bool(); break;
                case 4: json["propagationPolicy"] = reader.Text(); break;
                case 5: dryRun.Add(reader.Text()); break;
                default: reader.Skip(); break;
            }
        });
        SetNonEmpty(json, "dryRun", dryRun);
        return json;
    }

    /// <summary>k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta (selfLink and managedFields are dropped: this server keeps neither).</summary>
    private static JsonObject ObjectMeta(byte[] bytes)
    {
        var json = new JsonObject();
        var labels = new JsonObject();
        var annotations = new JsonObject();
        var owners = new JsonArray();
        var finalizers = new JsonArray();
        KubeProtobufReader.Read(bytes, "v1.ObjectMeta", (field, reader) =>
        {
            switch (field)
            {
                case 1: SetText(json, "name", reader.Text()); break;
                case 2: SetText(json, "generateName", reader.Text()); break;
                case 3: SetText(json, "namespace", reader.Text()); break;
                case 5: SetText(json, "uid", reader.Text()); break;
                case 6: SetText(json, "resourceVersion", reader.Text()); break;
                case 7:
                {
                    long generation = reader.Int64();
                    if (generation != 0)
                        json["generation"] = generation;
                    break;
                }
                case 8: SetText(json, "creationTimestamp", Time(reader.Bytes(), "v1.ObjectMeta.creationTimestamp")); break;
                case 9: SetText(json, "deletionTimestamp", Time(reader.Bytes(), "v1.ObjectMeta.deletionTimestamp")); break;
                case 10: json["deletionGracePeriodSeconds"] = reader.Int64(); break;
                case 11:
                {
                    var (key, value) = reader.Entry(r => r.Text(), "");
                    labels[key] = value;
                    break;
                }
                case 12:
                {
                    var (key, value) = reader.Entry(r => r.Text(), "");
                    annotations[key] = value;
                    break;
                }
                case 13: owners.Add(OwnerReference(reader.Bytes())); break;
                case 14: finalizers.Add(reader.Text()); break;
                default: reader.Skip(); break;
            }
        });
        SetNonEmpty(json, "labels", labels);
        SetNonEmpty(json, "annotations", annotations);
        SetNonEmpty(json, "ownerReferences", owners);
        SetNonEmpty(json, "finalizers", finalizers);
        return json;
    }

    private static JsonObject OwnerReference(byte[] bytes)
    {
        var json = new JsonObject();
        KubeProtobufReader.Read(bytes, "v1.OwnerReference", (field, reader) =>
        {
            switch (field)
            {
                case 1: json["kind"] = reader.Text(); break;
                case 3: json["name"] = reader.Text(); break;
                case 4: json["uid"] = reader.Text(); break;
                case 5: json["apiVersion"] = reader.Text(); break;
                case 6: json["controller"] = reader.Bool(); break;
                case 7: json["blockOwnerDeletion"] = reader.Bool(); break;
                default: reader.Skip(); break;
            }
        });
        return json;
    }

    /// <summary>meta.v1.Time (seconds and nanos since the epoch) as RFC 3339 in whole seconds, the JSON form; "" for the zero time.</summary>
    private static string Time(byte[] bytes, string message)
    {
        long seconds = 0;
        KubeProtobufReader.Read(bytes, message, (field, reader) =>
        {
            if (field == 1)
                seconds = reader.Int64();
            else
                reader.Skip(); // nanos: the JSON form has whole seconds
        });
        if (seconds == 0)
            return "";
        if (seconds < DateTimeOffset.MinValue.ToUnixTimeSeconds() || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            throw KubeApiException.BadRequest($"the protobuf request body is malformed: {message}: {seconds} seconds is outside the range of a timestamp");
        return DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    private static void SetText(JsonObject json, string name, string value)
    {
        if (value.Length > 0)
            json[name] = value;
    }

    private static void SetNonEmpty(JsonObject json, string name, JsonNode collection)
    {
        if (collection is JsonObject { Count: > 0 } or JsonArray { Count: > 0 })
            json[name] = collection;
    }
}
