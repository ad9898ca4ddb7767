using System.Globalization;
using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// meta.k8s.io/v1 Table output (what <c>kubectl get</c> asks for): Name, then the type's printer columns; date
/// columns humanised server-side ("5m"), as the apiserver's CRD table convertor does.
/// </summary>
public static class KubeTable
{
    public static bool Wanted(string? accept) => accept is not null && accept.Contains("as=Table", StringComparison.Ordinal);

    public static JsonObject Render(KubeResourceType type, IEnumerable<JsonObject> items, long resourceVersion, bool includeObject, DateTimeOffset now)
    {
        var columns = new JsonArray { Column(new KubePrinterColumn("Name", "string", ".metadata.name", 0, "name", "Name must be unique within a namespace.")) };
        foreach (var column in type.PrinterColumns)
            columns.Add(Column(column));
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var cells = new JsonArray { KubeObjects.Name(item) };
            foreach (var column in type.PrinterColumns)
                cells.Add(Cell(item, column, now));
            var row = new JsonObject { ["cells"] = cells };
            if (includeObject)
                row["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = item["metadata"]?.DeepClone(),
                };
            rows.Add(row);
        }
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) },
            ["columnDefinitions"] = columns,
            ["rows"] = rows,
        };
    }

    private static JsonObject Column(KubePrinterColumn column) => new()
    {
        ["name"] = column.Name,
        ["type"] = column.Type == "date" ? "string" : column.Type,
        ["format"] = column.Format,
        ["description"] = column.Description,
        ["priority"] = column.Priority,
    };

    private static JsonNode? Cell(JsonObject item, KubePrinterColumn column, DateTimeOffset now)
    {
        IReadOnlyList<JsonNode> values;
        try
        {
            values = KubeJsonPath.Evaluate(item, column.JsonPath);
        }
        catch (FormatException)
        {
            return null;
        }
        if (values.Count == 0)
            return null;
        if (column.Type == "date")
            return DateTimeOffset.TryParse(KubeJsonPath.Text(values[0]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                ? HumanDuration(now - time) : KubeJsonPath.Text(values[0]);
        if (column.Type is "integer" or "number" or "boolean" && values.Count == 1 && values[0] is JsonValue)
            return values[0].DeepClone();
        return string.Join(",", values.Select(KubeJsonPath.Text));
    }

    /// <summary>k8s.io/apimachinery duration.HumanDuration.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        if (d < TimeSpan.FromSeconds(-1))
            return "<invalid>";
        if (d < TimeSpan.Zero)
            return "0s";
        long seconds = (long)d.TotalSeconds, minutes = (long)d.TotalMinutes, hours = (long)d.TotalHours;
        if (seconds < 120) return $"{seconds}s";
        if (minutes < 10) return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        if (minutes < 180) return $"{minutes}m";
        if (hours < 8) return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        if (hours < 48) return $"{hours}h";
        if (hours < 192) return hours % 24 == 0 ? $"{hours / 24}d" : $"{hours / 24}d{hours % 24}h";
        if (hours < 24 * 365 * 2) return $"{hours / 24}d";
        if (hours < 24 * 365 * 8) return $"{hours / 24 / 365}y{hours / 24 % 365}d";
        return $"{hours / 24 / 365}y";
    }
}
