using System.CommandLine;
using System.Globalization;
using OrleansAttest.Benchmarks.Grains.Scenarios;

namespace OrleansAttest.Benchmarks.Grains.Commands;

/// <summary>Options shared by the scenarios; durations read as 250ms, 30s, 10m, 1h or a TimeSpan (00:00:30).</summary>
internal static class Options
{
    public static Option<int> Int(string name, string description, int defaultValue, int minimum = 1) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        Validators =
        {
            result =>
            {
                if (result.GetValueOrDefault<int>() < minimum)
                    result.AddError($"{name} must be at least {minimum}");
            },
        },
    };

    public static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (TryParseDuration(text, out var value) && value > TimeSpan.Zero)
                return value;
            result.AddError($"{name}: '{text}' is not a positive duration such as 500ms, 30s, 10m or 1h");
            return default;
        },
    };

    public static Option<TimeSpan?> OptionalDuration(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (TryParseDuration(text, out var value) && value >= TimeSpan.Zero)
                return value;
            result.AddError($"{name}: '{text}' is not a duration such as 0s, 30s, 10m or 1h");
            return null;
        },
    };

    public static Option<StorageChoice> Storage() => new("--storage")
    {
        Description = "embedded: Garnet inside the silo (product default); redis: Debian redis-server in its own process",
        DefaultValueFactory = _ => StorageChoice.Embedded,
    };

    public static Option<string> GarnetMemory() => new("--garnet-memory")
    {
        Description = "embedded storage: OrleansAttest:Storage:GarnetMemory (Garnet's in-memory log; product default 256m)",
        DefaultValueFactory = _ => "256m",
    };

    public static Option<string?> Json() => new("--json") { Description = "also write the report as JSON to this file" };

    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        text = text.Trim();
        foreach (var (suffix, unit) in new[] { ("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0) })
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                value = TimeSpan.FromSeconds(number * unit);
                return true;
            }
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }
}
