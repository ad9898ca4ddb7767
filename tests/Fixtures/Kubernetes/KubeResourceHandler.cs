using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// The semantics of create, get, list, update, patch and delete on stored objects: uid/creationTimestamp,
/// resourceVersion preconditions (409), metadata.generation on spec changes, the status (and CSR approval)
/// subresources, finalizers with deletionTimestamp, CRD schema validation with pruning, CRD registration, a Secret's
/// stringData folded into data and its type defaulted to Opaque.
/// </summary>
public sealed class KubeResourceHandler(KubeStore store, KubeTypeRegistry registry, TimeProvider time)
{
    public JsonObject Create(KubeRequestTarget target, JsonObject body, bool dryRun)
    {
        var type = target.Type;
        CheckKind(type, body);
        var metadata = KubeObjects.Metadata(body);
        string name = KubeObjects.Str(metadata["name"]) ?? "";
        if (name.Length == 0 && KubeObjects.Str(metadata["generateName"]) is { Length: > 0 } prefix)
            metadata["name"] = name = prefix + Convert.ToHexString(Guid.NewGuid().ToByteArray())[..5].ToLowerInvariant();
        if (name.Length == 0)
            throw Invalid(type, name, [new("metadata.name", "FieldValueRequired", "Required value: name or generateName is required")]);
        string ns = target.Namespace ?? "";
        if (type.Namespaced)
        {
            string? bodyNamespace = KubeObjects.Str(metadata["namespace"]);
            if (bodyNamespace is { Length: > 0 } && bodyNamespace != ns)
                throw KubeApiException.BadRequest($"the namespace of the provided object ({bodyNamespace}) does not match the namespace sent on the request ({ns})");
            metadata["namespace"] = ns;
        }
        else
            metadata.Remove("namespace");
        if (type.IsCustom && type.HasStatus)
            body.Remove("status");
        var written = store.Write(type, ns, name, current =>
        {
            if (current is not null)
                throw KubeApiException.AlreadyExists(type, name);
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = Timestamp();
            if (type.TracksGeneration)
                metadata["generation"] = 1;
            metadata.Remove("resourceVersion");
            metadata.Remove("deletionTimestamp");
            return Validated(type, body);
        }, dryRun)!;
        AfterWrite(type, written, dryRun);
        return written;
    }

    public JsonObject Get(KubeRequestTarget target) =>
        store.Get(target.Type, target.Namespace ?? "", target.Name!) ?? throw KubeApiException.NotFound(target.Type, target.Name!);

    /// <summary>PUT, and the last step of every patch: <paramref name="proposed"/> replaces what the subresource covers.</summary>
    /// <remarks>
    /// <paramref name="propose"/> runs under the store's lock on the current object, so a patch never fails on a
    /// concurrent write; only a resourceVersion the caller put in the object is a precondition.
    /// </remarks>
    public JsonObject? Update(KubeRequestTarget target, Func<JsonObject, JsonObject> propose, bool dryRun, bool requireResourceVersion = true)
    {
        var type = target.Type;
        string name = target.Name!;
        bool removed = false;
        var written = store.Write(type, target.Namespace ?? "", name, current =>
        {
            if (current is null)
                throw KubeApiException.NotFound(type, name);
            var proposed = propose(current.DeepClone().AsObject());
            if (KubeObjects.Str(proposed["metadata"]?["name"]) is { } bodyName && bodyName != name)
                throw KubeApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            if (target.Subresource is null)
                CheckKind(type, proposed);
            string? expected = KubeObjects.ResourceVersion(proposed);
            if (expected is { Length: > 0 } && expected != KubeObjects.ResourceVersion(current))
                throw KubeApiException.Conflict(type, name);
            if (requireResourceVersion && type.IsCustom && string.IsNullOrEmpty(expected))
                throw Invalid(type, name, [new("metadata.resourceVersion", "FieldValueInvalid", "Invalid value: 0x0: must be specified for an update")]);
            var next = Merge(type, current, proposed, target.Subresource);
            if (next["metadata"]?["deletionTimestamp"] is not null && KubeObjects.Finalizers(next).Count == 0)
            {
                // The last finalizer is gone: the object goes (the DELETED event carries its final state).
                removed = true;
                return null;
            }
            return Validated(type, next);
        }, dryRun);
        if (removed && !dryRun)
            AfterDelete(type, name);
        else if (written is not null)
            AfterWrite(type, written, dryRun);
        return written;
    }

    /// <summary>Deletes, or only marks for deletion while finalizers remain; Gone says which happened.</summary>
    public (JsonObject Object, bool Gone) Delete(KubeRequestTarget target, JsonObject? options, bool dryRun)
    {
        var type = target.Type;
        string name = target.Name!;
        var preconditions = options?["preconditions"];
        bool gone = false;
        var result = store.Write(type, target.Namespace ?? "", name, current =>
        {
            if (current is null)
                throw KubeApiException.NotFound(type, name);
            if (KubeObjects.Str(preconditions?["resourceVersion"]) is { Length: > 0 } rv && rv != KubeObjects.ResourceVersion(current))
                throw new KubeApiException(409, "Conflict", $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {KubeObjects.ResourceVersion(current)}", KubeStatus.Details(type, name));
            if (KubeObjects.Str(preconditions?["uid"]) is { Length: > 0 } uid && uid != KubeObjects.Str(current["metadata"]?["uid"]))
                throw new KubeApiException(409, "Conflict", $"Precondition failed: UID in precondition: {uid}, UID in object meta: {KubeObjects.Str(current["metadata"]?["uid"])}", KubeStatus.Details(type, name));
            if (KubeObjects.Finalizers(current).Count == 0)
            {
                gone = true;
                return null;
            }
            var metadata = KubeObjects.Metadata(current);
            if (metadata["deletionTimestamp"] is null)
            {
                metadata["deletionTimestamp"] = Timestamp();
                metadata["deletionGracePeriodSeconds"] = 0;
                if (type.TracksGeneration)
                    metadata["generation"] = ((long?)KubeObjects.Number(metadata["generation"]) ?? 0) + 1;
            }
            return current;
        }, dryRun);
        if (gone && !dryRun)
            AfterDelete(type, name);
        return (result ?? new JsonObject(), gone);
    }

    private JsonObject Merge(KubeResourceType type, JsonObject current, JsonObject proposed, string? subresource)
    {
        if (subresource is "status")
        {
            var next = current.DeepClone().AsObject();
            next["status"] = proposed["status"]?.DeepClone();
            if (next["status"] is null)
                next.Remove("status");
            return next;
        }
        if (subresource is "approval")
        {
            var next = current.DeepClone().AsObject();
            var status = next["status"] as JsonObject ?? (JsonObject)(next["status"] = new JsonObject());
            status["conditions"] = proposed["status"]?["conditions"]?.DeepClone();
            return next;
        }
        var result = proposed.DeepClone().AsObject();
        var metadata = KubeObjects.Metadata(result);
        var currentMetadata = KubeObjects.Metadata(current);
        foreach (var field in new[] { "uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "namespace", "name", "resourceVersion" })
        {
            if (currentMetadata[field] is { } value)
                metadata[field] = value.DeepClone();
            else
                metadata.Remove(field);
        }
        if (type.HasStatus)
        {
            result["status"] = current["status"]?.DeepClone();
            if (result["status"] is null)
                result.Remove("status");
        }
        if (type.TracksGeneration && !JsonNode.DeepEquals(KubeObjects.SpecPart(current), KubeObjects.SpecPart(result)))
            metadata["generation"] = ((long?)KubeObjects.Number(currentMetadata["generation"]) ?? 0) + 1;
        if (type.IsCustom)
        {
            result["apiVersion"] = type.GroupVersion;
            result["kind"] = type.Kind;
        }
        return result;
    }

    private JsonObject Validated(KubeResourceType type, JsonObject obj)
    {
        obj["apiVersion"] = type.GroupVersion;
        obj["kind"] = type.Kind;
        if (type.Schema is not null)
        {
            var errors = KubeSchemaValidator.Validate(obj, type.Schema);
            if (errors.Count > 0)
                throw Invalid(type, KubeObjects.Name(obj), errors);
            KubeSchemaValidator.Prune(obj, type.Schema);
        }
        if (type == KubeBuiltinTypes.Secrets)
            NormalizeSecret(obj);
        if (type == KubeBuiltinTypes.CustomResourceDefinitions)
        {
            var errors = KubeTypeRegistry.ValidateCrd(obj);
            if (errors.Count > 0)
                throw Invalid(type, KubeObjects.Name(obj), errors);
            MarkEstablished(obj);
        }
        return obj;
    }

    /// <summary>
    /// A Secret's stringData is write-only: the API server merges it into data (base64), overriding equal keys. A Secret
    /// without a type is defaulted to Opaque, as upstream (<c>kubectl create secret generic</c> sends none).
    /// </summary>
    private static void NormalizeSecret(JsonObject secret)
    {
        if (KubeObjects.Str(secret["type"]) is null or "")
            secret["type"] = "Opaque";
        if (secret["stringData"] is not JsonObject stringData)
            return;
        var data = secret["data"] as JsonObject ?? (JsonObject)(secret["data"] = new JsonObject());
        foreach (var (key, value) in stringData)
            data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(KubeObjects.Str(value) ?? ""));
        secret.Remove("stringData");
    }

    private void MarkEstablished(JsonObject crd)
    {
        string now = Timestamp();
        crd["status"] = new JsonObject
        {
            ["acceptedNames"] = crd["spec"]!["names"]!.DeepClone(),
            ["storedVersions"] = new JsonArray(crd["spec"]!["versions"]!.AsArray().Where(v => KubeObjects.Bool(v?["storage"]) == true)
                .Select(v => (JsonNode?)KubeObjects.Str(v!["name"])).ToArray()),
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["reason"] = "NoConflicts", ["message"] = "no conflicts found", ["lastTransitionTime"] = now },
                new JsonObject { ["type"] = "Established", ["status"] = "True", ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted", ["lastTransitionTime"] = now }),
        };
    }

    private void AfterWrite(KubeResourceType type, JsonObject written, bool dryRun)
    {
        if (!dryRun && type == KubeBuiltinTypes.CustomResourceDefinitions)
            registry.Register(written);
    }

    private void AfterDelete(KubeResourceType type, string name)
    {
        if (type != KubeBuiltinTypes.CustomResourceDefinitions)
            return;
        foreach (var removed in registry.Unregister(name))
            store.DropType(removed);
    }

    private static void CheckKind(KubeResourceType type, JsonObject body)
    {
        if (KubeObjects.Str(body["apiVersion"]) is { Length: > 0 } apiVersion && apiVersion != type.GroupVersion)
            throw KubeApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.GroupVersion})");
        if (KubeObjects.Str(body["kind"]) is { Length: > 0 } kind && kind != type.Kind)
            throw KubeApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
    }

    public static KubeApiException Invalid(KubeResourceType type, string name, IReadOnlyList<KubeValidationError> errors)
    {
        var causes = new JsonArray(errors.Select(e => (JsonNode)new JsonObject { ["reason"] = e.Reason, ["message"] = e.Message, ["field"] = e.Field }).ToArray());
        var details = new JsonObject { ["name"] = name, ["group"] = type.Group, ["kind"] = type.Kind, ["causes"] = causes };
        string list = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors) + "]";
        return new KubeApiException(422, "Invalid", $"{type.Kind}{type.GroupSuffix} \"{name}\" is invalid: {list}", details);
    }

    private string Timestamp() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
