using System.CommandLine;
using System.Globalization;
using OrleansAttest.Benchmarks.Revocation;

// orleansattest-revocation-bench --runs 20 [--interval 2s] [--json FILE]
// Revocation latency: a failing quote handed to the grain → the last revocation write completed at the API server.
var runs = new Option<int>("--runs") { Description = "measured runs (one fresh node each; one unmeasured warm-up run first)", DefaultValueFactory = _ => 20 };
var interval = Duration("--interval", "the policy's quoteInterval", TimeSpan.FromSeconds(2));
var timeout = Duration("--timeout", "how long a run may wait for enrollment and for the revoked end state", TimeSpan.FromSeconds(60));
var json = new Option<FileInfo?>("--json") { Description = "also write the results as JSON" };
var root = new RootCommand("Revocation latency on Kubernetes: failing quote → token Secret, ClusterRoleBinding and Node writes completed at the API server")
{
    runs, interval, timeout, json,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var count = parse.GetValue(runs);
    if (count < 1)
    {
        Console.Error.WriteLine("--runs must be at least 1");
        return 2;
    }
    return await RevocationBenchmark.RunAsync(count, parse.GetValue(interval), parse.GetValue(timeout), parse.GetValue(json), cancellationToken);
});
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
        Console.Error.WriteLine(error.Message);
    return 2;
}
return await parsed.InvokeAsync();

// Durations read as 500ms, 2s, 10m, 1h or a TimeSpan (00:00:30), as in the other benchmark consoles.
static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue) => new(name)
{
    Description = $"{description} (e.g. 500ms, 2s, 1m)",
    DefaultValueFactory = _ => defaultValue,
    CustomParser = result =>
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value.Trim() : "";
        if (TryParseDuration(text, out var value) && value > TimeSpan.Zero)
            return value;
        result.AddError($"{name}: '{text}' is not a positive duration (e.g. 500ms, 2s, 1m)");
        return default;
    },
};

static bool TryParseDuration(string text, out TimeSpan value)
{
    foreach (var (suffix, seconds) in new[] { ("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0) })
        if (text.EndsWith(suffix, StringComparison.Ordinal) && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            value = TimeSpan.FromSeconds(number * seconds);
            return true;
        }
    return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
}
