using System.Globalization;

namespace OrleansAttest.Benchmarks.Fleet.Measurement;

/// <summary>
/// The samples of a Prometheus text exposition (the silo's <c>/metrics</c>), for counters and histogram buckets:
/// the sum of every series of a metric whose labels contain the given ones. Lines it cannot read are skipped.
/// </summary>
internal sealed class PrometheusText
{
    private readonly List<(string Name, string Labels, double Value)> _samples = [];

    public static PrometheusText Parse(string text)
    {
        var parsed = new PrometheusText();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
                continue;
            var brace = line.IndexOf('{');
            var space = line.LastIndexOf(' ');
            if (space <= 0)
                continue;
            string name, labels = "";
            int valueStart;
            if (brace >= 0 && brace < space)
            {
                var close = line.LastIndexOf('}');
                // A malformed line (no closing brace after the opening one) is skipped, not fatal.
                if (close < brace)
                    continue;
                name = line[..brace];
                labels = line[(brace + 1)..close];
                valueStart = close + 1;
            }
            else
            {
                name = line[..line.IndexOf(' ')];
                valueStart = name.Length;
            }
            // A sample may carry a timestamp after the value.
            var rest = line[valueStart..].Trim().Split(' ');
            if (double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                parsed._samples.Add((name, labels, value));
        }
        return parsed;
    }

    /// <summary>The samples of several expositions as one (the gateways): every sum is then over all of them.</summary>
    public static PrometheusText Merge(IEnumerable<PrometheusText> texts)
    {
        var merged = new PrometheusText();
        foreach (var text in texts)
            merged._samples.AddRange(text._samples);
        return merged;
    }

    /// <summary>Sum over the series of <paramref name="name"/> whose labels include every one of <paramref name="labels"/> (e.g. <c>result="pass"</c>).</summary>
    public double Sum(string name, params string[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.Contains(l, StringComparison.Ordinal))).Sum(s => s.Value);

    /// <summary>Cumulative bucket counts of histogram <paramref name="name"/> (base name, without _bucket), by upper bound, summed over series.</summary>
    public SortedDictionary<double, double> Buckets(string name)
    {
        var buckets = new SortedDictionary<double, double>();
        foreach (var (sampleName, labels, value) in _samples)
        {
            if (sampleName != name + "_bucket")
                continue;
            var le = labels.Split(',').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("le=\"", StringComparison.Ordinal));
            if (le is null)
                continue;
            if (le.Length < 5 || le[^1] != '"')
                continue;
            double bound;
            if (le[4..^1] == "+Inf")
                bound = double.PositiveInfinity;
            else if (!double.TryParse(le[4..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out bound))
                continue;
            buckets[bound] = buckets.GetValueOrDefault(bound) + value;
        }
        return buckets;
    }
}
