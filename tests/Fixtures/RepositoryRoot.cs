using System.Runtime.CompilerServices;

namespace OrleansAttest.Fixtures;

/// <summary>Finds the checkout's root (the folder with OrleansAttest.sln) from a test's output directory.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrleansAttest.sln")))
                return dir.FullName;
        // Built with --artifacts-path the output lies outside the checkout; this file's compile-time path does not.
        for (var dir = new FileInfo(SourceFile()).Directory; dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrleansAttest.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"OrleansAttest.sln not found above {AppContext.BaseDirectory} or {SourceFile()}");
    }

    private static string SourceFile([CallerFilePath] string path = "") => path;
}
