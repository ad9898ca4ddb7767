using OrleansAttest.Fixtures;
using OrleansAttest.Fixtures.Kubernetes;

namespace OrleansAttest.Kubernetes.Tests.Support;

/// <summary>Runs the real kubectl against a test API server through a kubeconfig file.</summary>
public sealed class Kubectl(KubeApiServer server, string directory) : IDisposable
{
    public string KubeconfigPath { get; } = Path.Combine(directory, "kubeconfig");

    public static async Task<Kubectl> CreateAsync(KubeApiServer server)
    {
        var directory = Directory.CreateTempSubdirectory("orleansattest-kubectl-").FullName;
        var kubectl = new Kubectl(server, directory);
        await server.WriteKubeconfigAsync(kubectl.KubeconfigPath);
        return kubectl;
    }

    public async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(params string[] arguments) =>
        await ProcessRunner.RunAsync(KubeTools.Kubectl, ["--kubeconfig", KubeconfigPath, .. arguments],
            environment: new Dictionary<string, string> { ["KUBECACHEDIR"] = Path.Combine(Path.GetDirectoryName(KubeconfigPath)!, "cache"), ["HOME"] = Path.GetDirectoryName(KubeconfigPath)! },
            timeout: TimeSpan.FromSeconds(60));

    /// <summary>Runs and requires exit 0, failing with kubectl's stderr and the server's recent requests.</summary>
    public async Task<string> OkAsync(params string[] arguments)
    {
        var (code, stdout, stderr) = await RunAsync(arguments);
        Assert.True(code == 0, $"kubectl {string.Join(' ', arguments)} exited {code}:\n{stderr}\n{stdout}\nserver saw:\n{string.Join('\n', server.RecentRequests.TakeLast(15))}");
        return stdout;
    }

    /// <summary>The first data row of kubectl's table, split on runs of spaces.</summary>
    public static string[] FirstRow(string table) =>
        table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).FirstOrDefault()?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];

    public async Task<string> ApplyAsync(string yaml)
    {
        string file = Path.Combine(Path.GetDirectoryName(KubeconfigPath)!, $"manifest-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, yaml);
        return await OkAsync("apply", "-f", file);
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
    }

    public string Write(string yaml)
    {
        string file = Path.Combine(Path.GetDirectoryName(KubeconfigPath)!, $"manifest-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);
        return file;
    }
}
