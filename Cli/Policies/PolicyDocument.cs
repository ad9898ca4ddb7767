using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Json.Schema;
using OrleansAttest.Cli.Commands;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Policies;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace OrleansAttest.Cli.Policies;

/// <summary>
/// Policy files (YAML or JSON): read = parse → the published schema (docs/attestation-policy.schema.json, every
/// violation named by its location) → <see cref="AttestationPolicy"/> → <see cref="PolicyValidator"/> (every problem
/// in a sentence); write = YAML in the same shape. Any problem is an <see cref="UnusableInputException"/>.
/// </summary>
public static class PolicyDocument
{
    /// <summary>Policy files are small; a larger one is not a policy (and not worth parsing).</summary>
    public const int MaxBytes = 1 << 20;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        using var stream = typeof(PolicyDocument).Assembly.GetManifestResourceStream("attestation-policy.schema.json")
            ?? throw new InvalidOperationException("the policy schema is not embedded in attestctl");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd());
    });

    /// <summary>The schema text, as published.</summary>
    public static string SchemaText
    {
        get
        {
            using var stream = typeof(PolicyDocument).Assembly.GetManifestResourceStream("attestation-policy.schema.json")!;
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>Reads, schema-checks and validates a policy; returns the normalised policy.</summary>
    public static AttestationPolicy Parse(byte[] bytes, string source)
    {
        if (bytes.Length > MaxBytes)
            throw new UnusableInputException($"{source} is {bytes.Length} bytes; a policy file is at most {MaxBytes}");
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new UnusableInputException($"{source} is not UTF-8 text");
        }
        JsonNode? node;
        try
        {
            node = YamlToJson.Convert(text);
        }
        catch (Exception e) when (e is YamlException or FormatException)
        {
            throw new UnusableInputException($"{source} is not valid YAML or JSON: {e.Message}");
        }
        if (node is not JsonObject)
            throw new UnusableInputException($"{source} does not hold a policy object");

        using var document = JsonDocument.Parse(node.ToJsonString());
        var results = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!results.IsValid)
        {
            var problems = (results.Details ?? [])
                .Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(error => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {error.Value}"))
                .Distinct()
                .ToList();
            throw new UnusableInputException($"{source} does not match the policy schema: {string.Join("; ", problems.DefaultIfEmpty("invalid"))}");
        }

        AttestationPolicy? policy;
        try
        {
            policy = node.Deserialize<AttestationPolicy>(Json);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            throw new UnusableInputException($"{source} cannot be read as a policy: {e.Message}");
        }
        var (invalid, normalized) = PolicyValidator.Validate(policy);
        if (normalized is null)
            throw new UnusableInputException($"{source} is not a valid policy: {string.Join("; ", invalid)}");
        return normalized;
    }

    /// <summary>The policy as YAML (keys in the schema's names; nulls left out).</summary>
    public static string ToYaml(AttestationPolicy policy)
    {
        var node = JsonSerializer.SerializeToNode(policy, Json)!;
        // Quote strings a YAML reader would take for numbers or booleans (hex digests made only of digits, "true").
        var serializer = new SerializerBuilder().WithQuotingNecessaryStrings().Build();
        return serializer.Serialize(ToPlain(node));
    }

    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray array => array.Select(ToPlain).ToList(),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        _ => node.ToJsonString() is var raw && long.TryParse(raw, out var l) ? l : raw,
    };
}
