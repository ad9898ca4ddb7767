using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// Structural validation of a custom resource against its CRD's openAPIV3Schema: type, nullable, required,
/// properties/additionalProperties, items, enum, pattern, min/maxLength, minimum/maximum, min/maxItems, oneOf,
/// anyOf, allOf, not, x-kubernetes-list-type (map/set uniqueness), x-kubernetes-int-or-string. CEL
/// (x-kubernetes-validations) and formats are not evaluated. Also prunes unknown fields as the apiserver does.
/// </summary>
public static class KubeSchemaValidator
{
    public static List<KubeValidationError> Validate(JsonNode? value, JsonNode schema)
    {
        var errors = new List<KubeValidationError>();
        Check(value, schema, "", errors, isRoot: true);
        return errors;
    }

    /// <summary>Removes fields the schema does not declare (unless it preserves unknown fields); returns their paths.</summary>
    public static List<string> Prune(JsonNode? value, JsonNode schema, string path = "", bool isRoot = true)
    {
        var pruned = new List<string>();
        if (schema is not JsonObject s || Bool(s, "x-kubernetes-preserve-unknown-fields"))
            return pruned;
        if (value is JsonObject obj)
        {
            var properties = s["properties"] as JsonObject;
            var additional = s["additionalProperties"];
            foreach (var name in obj.Select(p => p.Key).ToList())
            {
                string child = Join(path, name);
                if (isRoot && name is "metadata" or "apiVersion" or "kind")
                    continue;
                if (properties?[name] is JsonNode propertySchema)
                    pruned.AddRange(Prune(obj[name], propertySchema, child, false));
                else if (additional is JsonObject additionalSchema)
                    pruned.AddRange(Prune(obj[name], additionalSchema, child, false));
                else if (additional is JsonValue v && v.GetValueKind() == JsonValueKind.True)
                    continue;
                else
                {
                    obj.Remove(name);
                    pruned.Add(child);
                }
            }
        }
        else if (value is JsonArray array && s["items"] is JsonNode itemSchema)
            for (int i = 0; i < array.Count; i++)
                pruned.AddRange(Prune(array[i], itemSchema, $"{path}[{i}]", false));
        return pruned;
    }

    private static void Check(JsonNode? value, JsonNode schemaNode, string path, List<KubeValidationError> errors, bool isRoot = false)
    {
        if (schemaNode is not JsonObject schema)
            return;
        string field = path.Length == 0 ? "<root>" : path;
        if (value is null)
        {
            if (!Bool(schema, "nullable") && schema["type"] is not null)
                errors.Add(new(field, "FieldValueInvalid", $"Invalid value: \"null\": {field} in body must be of type {schema["type"]}: \"null\""));
            return;
        }

        string? type = KubeObjects.Str(schema["type"]);
        string actual = TypeOf(value);
        bool intOrString = Bool(schema, "x-kubernetes-int-or-string");
        if (intOrString ? actual is not ("integer" or "string") : type is not null && !(type == actual || (type == "number" && actual == "integer")))
        {
            errors.Add(new(field, "FieldValueTypeInvalid", $"Invalid value: \"{actual}\": {field} in body must be of type {(intOrString ? "integer or string" : type)}: \"{actual}\""));
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
            errors.Add(new(field, "FieldValueNotSupported", $"Unsupported value: {Quote(value)}: supported values: {string.Join(", ", allowed.Select(Quote))}"));

        switch (value)
        {
            case JsonValue when actual == "string":
                CheckString(value.GetValue<string>(), schema, field, errors);
                break;
            case JsonValue when actual is "integer" or "number":
                CheckNumber(KubeObjects.Number(value)!.Value, schema, field, errors);
                break;
            case JsonObject obj:
                CheckObject(obj, schema, path, errors, isRoot);
                break;
            case JsonArray array:
                CheckArray(array, schema, path, errors);
                break;
        }

        CheckCombinators(value, schema, path, field, errors);
    }

    private static void CheckString(string text, JsonObject schema, string field, List<KubeValidationError> errors)
    {
        int length = new StringInfo(text).LengthInTextElements;
        if (schema["minLength"] is JsonNode min && length < (int)KubeObjects.Number(min)!)
            errors.Add(new(field, "FieldValueInvalid", $"Invalid value: {Quote(text)}: {field} in body should be at least {min} chars long"));
        if (schema["maxLength"] is JsonNode max && length > (int)KubeObjects.Number(max)!)
            errors.Add(new(field, "FieldValueTooLong", $"Too long: may not be more than {max} bytes"));
        if (schema["pattern"] is JsonNode pattern)
        {
            string regex = KubeObjects.Str(pattern) ?? "";
            if (!Regex.IsMatch(text, regex, RegexOptions.None, TimeSpan.FromSeconds(1)))
                errors.Add(new(field, "FieldValueInvalid", $"Invalid value: {Quote(Shorten(text))}: {field} in body should match '{regex}'"));
        }
    }

    private static void CheckNumber(double number, JsonObject schema, string field, List<KubeValidationError> errors)
    {
        if (schema["minimum"] is JsonNode min && number < KubeObjects.Number(min)!.Value)
            errors.Add(new(field, "FieldValueInvalid", $"Invalid value: {number}: {field} in body should be greater than or equal to {min}"));
        if (schema["maximum"] is JsonNode max && number > KubeObjects.Number(max)!.Value)
            errors.Add(new(field, "FieldValueInvalid", $"Invalid value: {number}: {field} in body should be less than or equal to {max}"));
    }

    private static void CheckObject(JsonObject obj, JsonObject schema, string path, List<KubeValidationError> errors, bool isRoot)
    {
        if (schema["required"] is JsonArray required)
            foreach (var name in required.Select(r => KubeObjects.Str(r) ?? ""))
                if (!obj.ContainsKey(name))
                    errors.Add(new(Join(path, name), "FieldValueRequired", "Required value"));
        var properties = schema["properties"] as JsonObject;
        foreach (var (name, child) in obj)
        {
            if (isRoot && name == "metadata")
                continue;
            if (properties?[name] is JsonNode propertySchema)
                Check(child, propertySchema, Join(path, name), errors);
            else if (schema["additionalProperties"] is JsonObject additional)
                Check(child, additional, Join(path, name), errors);
        }
    }

    private static void CheckArray(JsonArray array, JsonObject schema, string path, List<KubeValidationError> errors)
    {
        string field = path.Length == 0 ? "<root>" : path;
        if (schema["minItems"] is JsonNode min && array.Count < (int)KubeObjects.Number(min)!)
            errors.Add(new(field, "FieldValueInvalid", $"Invalid value: {array.Count}: {field} in body should have at least {min} items"));
        if (schema["maxItems"] is JsonNode max && array.Count > (int)KubeObjects.Number(max)!)
            errors.Add(new(field, "FieldValueTooMany", $"Too many: {array.Count}: must have at most {max} items"));
        if (schema["items"] is JsonNode items)
            for (int i = 0; i < array.Count; i++)
                Check(array[i], items, $"{path}[{i}]", errors);
        string? listType = KubeObjects.Str(schema["x-kubernetes-list-type"]);
        if (listType == "map" && schema["x-kubernetes-list-map-keys"] is JsonArray keys)
        {
            var seen = new HashSet<string>();
            for (int i = 0; i < array.Count; i++)
            {
                string key = string.Join("\u0000", keys.Select(k => KubeJsonPath.Text(array[i]?[KubeObjects.Str(k) ?? ""])));
                if (!seen.Add(key))
                    errors.Add(new($"{path}[{i}]", "FieldValueDuplicate", $"Duplicate value: {array[i]?.ToJsonString()}"));
            }
        }
        else if (listType == "set")
        {
            var seen = new HashSet<string>();
            for (int i = 0; i < array.Count; i++)
                if (!seen.Add(array[i]?.ToJsonString() ?? "null"))
                    errors.Add(new($"{path}[{i}]", "FieldValueDuplicate", $"Duplicate value: {array[i]?.ToJsonString()}"));
        }
    }

    private static void CheckCombinators(JsonNode value, JsonObject schema, string path, string field, List<KubeValidationError> errors)
    {
        bool Passes(JsonNode? s) => Validate(value, s!, path).Count == 0;
        if (schema["oneOf"] is JsonArray oneOf)
        {
            int passing = oneOf.Count(Passes);
            if (passing != 1)
                errors.Add(new(field, "FieldValueInvalid", $"Invalid value: \"{TypeOf(value)}\": must validate one and only one schema (oneOf). " +
                    (passing == 0 ? "Found none valid" : $"Found {passing} valid alternatives") + Alternatives(oneOf)));
        }
        if (schema["anyOf"] is JsonArray anyOf && !anyOf.Any(Passes))
            errors.Add(new(field, "FieldValueInvalid", $"Invalid value: \"{TypeOf(value)}\": must validate at least one schema (anyOf){Alternatives(anyOf)}"));
        if (schema["allOf"] is JsonArray allOf)
            foreach (var part in allOf)
                Check(value, part!, path, errors);
        if (schema["not"] is JsonNode not && Passes(not))
            errors.Add(new(field, "FieldValueInvalid", $"Invalid value: \"{TypeOf(value)}\": must not validate the schema (not)"));
    }

    // Nested validation paths are relative to the value; sub-schemas are checked from the current path.
    private static List<KubeValidationError> Validate(JsonNode value, JsonNode schema, string path)
    {
        var errors = new List<KubeValidationError>();
        Check(value, schema, path, errors);
        return errors;
    }

    /// <summary>Names what the alternatives require, so "neither/both" errors say which fields are meant.</summary>
    private static string Alternatives(JsonArray alternatives)
    {
        var required = alternatives.Select(a => a?["required"] as JsonArray).Where(r => r is not null)
            .Select(r => string.Join("+", r!.Select(x => KubeObjects.Str(x) ?? ""))).ToList();
        return required.Count == alternatives.Count ? $": exactly one of {string.Join(", ", required)} is required" : "";
    }

    private static string TypeOf(JsonNode value) => value switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => v.ToJsonString().IndexOfAny(['.', 'e', 'E']) >= 0 ? "number" : "integer",
            _ => "null",
        },
        _ => "null",
    };

    private static bool Bool(JsonObject schema, string name) => schema[name] is JsonValue v && v.GetValueKind() == JsonValueKind.True;
    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";
    private static string Quote(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? JsonSerializer.Serialize(v.GetValue<string>()) : node?.ToJsonString() ?? "null";
    private static string Quote(string text) => JsonSerializer.Serialize(text);
    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
