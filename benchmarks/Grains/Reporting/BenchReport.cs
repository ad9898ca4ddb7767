using System.Globalization;
using System.Runtime;
using System.Text.Json;
using OrleansAttest.Benchmarks.Grains.Measurement;

namespace OrleansAttest.Benchmarks.Grains.Reporting;

/// <summary>
/// A scenario's parameters, the machine it ran on and its results: printed as a table, written as JSON (--json).
/// Results keep the order they were added in.
/// </summary>
internal sealed class BenchReport(string scenario)
{
    private readonly List<ReportEntry> _parameters = [];
    private readonly List<ReportEntry> _environment = [];
    private readonly List<ReportEntry> _results = [];
    private readonly List<string> _notes = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;

    public string Scenario => scenario;

    /// <summary>True when the run saw something it must not (a false failure, nodes that never attested): exit code 1.</summary>
    public bool Failed { get; private set; }

    public BenchReport Parameter(string name, object value, string unit = "")
    {
        _parameters.Add(new ReportEntry(name, value, unit));
        return this;
    }

    public BenchReport Result(string name, object value, string unit = "", string? note = null)
    {
        _results.Add(new ReportEntry(name, value, unit, note));
        return this;
    }

    /// <summary>Median, p90, p99 and max of a latency sample, in milliseconds.</summary>
    public BenchReport Latency(string name, Distribution distribution)
    {
        Result($"{name} samples", distribution.Count);
        Result($"{name} median", Math.Round(distribution.Median, 2), "ms");
        Result($"{name} p90", Math.Round(distribution.P90, 2), "ms");
        Result($"{name} p99", Math.Round(distribution.P99, 2), "ms");
        Result($"{name} max", Math.Round(distribution.Max, 2), "ms");
        return this;
    }

    public BenchReport Note(string text)
    {
        _notes.Add(text);
        return this;
    }

    public BenchReport Fail(string why)
    {
        Failed = true;
        _notes.Add("FAILED: " + why);
        return this;
    }

    /// <summary>Machine and runtime facts, with the load average at the time of the call (call at start and at end).</summary>
    public BenchReport Environment(string when)
    {
        if (_environment.Count == 0)
        {
            _environment.Add(new ReportEntry("cores", System.Environment.ProcessorCount));
            _environment.Add(new ReportEntry("runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription));
            _environment.Add(new ReportEntry("gc", GCSettings.IsServerGC ? "server" : "workstation"));
            _environment.Add(new ReportEntry("machine memory", Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1048576.0), "MiB"));
        }
        _environment.Add(new ReportEntry($"load average {when}", ProcStatus.LoadAverage(), "1/5/15 min"));
        return this;
    }

    public void Print(TextWriter writer)
    {
        writer.WriteLine();
        writer.WriteLine($"== {scenario} ({_started:u})");
        Table(writer, "parameters", _parameters);
        Table(writer, "environment", _environment);
        Table(writer, "results", _results);
        foreach (var note in _notes)
            writer.WriteLine($"note: {note}");
    }

    public async Task WriteJsonAsync(string path)
    {
        await using var stream = File.Create(path);
        await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("scenario", scenario);
        json.WriteString("started", _started);
        json.WriteString("finished", DateTimeOffset.UtcNow);
        json.WriteBoolean("failed", Failed);
        Section(json, "parameters", _parameters);
        Section(json, "environment", _environment);
        Section(json, "results", _results);
        json.WriteStartArray("notes");
        foreach (var note in _notes)
            json.WriteStringValue(note);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Table(TextWriter writer, string title, List<ReportEntry> entries)
    {
        if (entries.Count == 0)
            return;
        int nameWidth = Math.Max(title.Length, entries.Max(e => e.Name.Length));
        var values = entries.Select(e => Format(e.Value)).ToArray();
        int valueWidth = Math.Max(5, values.Max(v => v.Length));
        writer.WriteLine($"{title.PadRight(nameWidth)}  {"value".PadLeft(valueWidth)}  unit");
        writer.WriteLine($"{new string('-', nameWidth)}  {new string('-', valueWidth)}  ----");
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            writer.WriteLine($"{e.Name.PadRight(nameWidth)}  {values[i].PadLeft(valueWidth)}  {e.Unit}{(e.Note is null ? "" : $"  ({e.Note})")}".TrimEnd());
        }
        writer.WriteLine();
    }

    private static void Section(Utf8JsonWriter json, string name, List<ReportEntry> entries)
    {
        json.WriteStartObject(name);
        foreach (var e in entries)
        {
            json.WriteStartObject(e.Name);
            switch (e.Value)
            {
                case int i: json.WriteNumber("value", i); break;
                case long l: json.WriteNumber("value", l); break;
                case double d: json.WriteNumber("value", d); break;
                case bool b: json.WriteBoolean("value", b); break;
                default: json.WriteString("value", Format(e.Value)); break;
            }
            if (e.Unit.Length > 0)
                json.WriteString("unit", e.Unit);
            if (e.Note is not null)
                json.WriteString("note", e.Note);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static string Format(object value) => value switch
    {
        double d => d.ToString(Math.Abs(d) >= 1000 ? "N0" : "0.##", CultureInfo.InvariantCulture),
        long l => l.ToString("N0", CultureInfo.InvariantCulture),
        int i => i.ToString("N0", CultureInfo.InvariantCulture),
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
