using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansAttest.Cli.Commands;

/// <summary>One JSON style for every attestctl --json output.</summary>
public static class CliJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
