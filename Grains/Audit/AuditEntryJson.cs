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

    /// <summary>The entry as UTF-8 JSON, what the store keeps (bytes, not a .NET string: half the size on the way there).</summary>
    public static byte[] SerializeToUtf8(AuditEntry entry) => JsonSerializer.SerializeToUtf8Bytes(entry, Options);

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
