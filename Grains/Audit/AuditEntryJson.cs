using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Grains.Audit;

/// <summary>Audit entries are stored as JSON so an operator can read them with any Redis client.</summary>
public static class AuditEntryJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(AuditEntry entry) => JsonSerializer.Serialize(entry, Options);

    /// <summary>Null for an entry that does not parse (a damaged or foreign list element is skipped, not fatal).</summary>
    public static AuditEntry? TryDeserialize(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return null;
        try
        {
            return JsonSerializer.Deserialize<AuditEntry>(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
