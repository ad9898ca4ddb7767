using System.Text.Json.Nodes;
using OrleansAttest.Fixtures;
using OrleansAttest.Fixtures.Kubernetes;

namespace OrleansAttest.Kubernetes.Tests.Support;

/// <summary>Runs the real helm v4 on the chart and parses what it renders.</summary>
public static class Helm
{
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(params string[] arguments)
    {
        // A home of its own per run: no user's helm config or repositories leak into the test.
        var home = Directory.CreateTempSubdirectory("orleansattest-helm-").FullName;
        try
        {
            return await ProcessRunner.RunAsync(KubeTools.Helm, arguments, environment: new Dictionary<string, string>
            {
                ["HOME"] = home,
                ["HELM_CACHE_HOME"] = Path.Combine(home, "cache"),
                ["HELM_CONFIG_HOME"] = Path.Combine(home, "config"),
                ["HELM_DATA_HOME"] = Path.Combine(home, "data"),
            }, timeout: TimeSpan.FromSeconds(60));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    /// <summary><c>helm template</c> with the given --set/--set-json arguments; every document parsed to JSON.</summary>
    public static async Task<List<JsonObject>> TemplateAsync(params string[] extra)
    {
        var (code, stdout, stderr) = await RunAsync(["template", "release", ChartPaths.Chart, "--namespace", "attest", "--include-crds", .. extra]);
        Assert.True(code == 0, $"helm template failed ({code}): {stderr}");
        return SplitDocuments(stdout).Select(d => KubeYaml.ToJson(d)).OfType<JsonObject>().ToList();
    }

    public static IEnumerable<string> SplitDocuments(string yaml) =>
        yaml.Split(["\n---\n", "\n---\r\n"], StringSplitOptions.None)
            .Select(d => d.StartsWith("---\n") ? d[4..] : d)
            .Where(d => d.Split('\n').Any(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith('#')));
}
