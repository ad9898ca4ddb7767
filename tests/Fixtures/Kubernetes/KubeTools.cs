namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// Finds the real kubectl (v1.35) and helm (v4) that scripts/install-deps.sh installs: in
/// $ORLEANSATTEST_KUBE_TOOLS, else ~/.cache/orleansattest/bin. A kubectl elsewhere on PATH is not used (it may
/// be another minor version or a cloud SDK's dispatcher).
/// </summary>
public static class KubeTools
{
    public static string Directory =>
        Environment.GetEnvironmentVariable("ORLEANSATTEST_KUBE_TOOLS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "orleansattest", "bin");

    public static string Kubectl => Require("kubectl");
    public static string Helm => Require("helm");

    private static string Require(string tool)
    {
        string path = Path.Combine(Directory, tool);
        if (!File.Exists(path))
            throw new InvalidOperationException($"{tool} not found at {path}: run scripts/install-deps.sh (or set ORLEANSATTEST_KUBE_TOOLS to a directory with kubectl and helm)");
        return path;
    }
}
