namespace OrleansAttest.Benchmarks.Grains.Reporting;

/// <summary>One line of a report: a name, a value (number or text), its unit and an optional note.</summary>
internal sealed record ReportEntry(string Name, object Value, string Unit = "", string? Note = null);
