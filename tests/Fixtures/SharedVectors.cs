namespace OrleansAttest.Fixtures;

/// <summary>
/// ../shared/vectors: third-party TPM evidence and event logs, present on the team's machines and in CI but not
/// in a fresh clone. Tests read it in place (never copy it into the repository) and skip visibly without it;
/// each such test has a self-contained twin that runs everywhere.
/// </summary>
public static class SharedVectors
{
    private static readonly Lazy<string?> Root = new(Locate);

    /// <summary>The vectors directory, or null when this checkout has no ../shared beside it.</summary>
    public static string? Directory => Root.Value;

    /// <summary>Path of a vector file; skips the calling test (visibly) when the vectors are absent.</summary>
    public static string Require(string relativePath)
    {
        var root = Directory;
        if (root is null)
            Xunit.Assert.Skip("../shared/vectors is not present beside this checkout; the self-contained twin of this test still runs");
        ArgumentNullException.ThrowIfNull(root);
        var path = Path.Combine(root, relativePath);
        if (!File.Exists(path))
            throw new FileNotFoundException($"vector {relativePath} is missing from {root}", path);
        return path;
    }

    public static byte[] ReadBytes(string relativePath) => File.ReadAllBytes(Require(relativePath));

    public static string ReadText(string relativePath) => File.ReadAllText(Require(relativePath));

    public static byte[] ReadHex(string relativePath) => Convert.FromHexString(ReadText(relativePath).Trim());

    private static string? Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("ORLEANSATTEST_VECTORS");
        if (!string.IsNullOrEmpty(fromEnvironment) && System.IO.Directory.Exists(fromEnvironment))
            return fromEnvironment;
        var repo = RepositoryRoot.Find();
        var candidate = Path.GetFullPath(Path.Combine(repo, "..", "shared", "vectors"));
        return System.IO.Directory.Exists(candidate) ? candidate : null;
    }
}
