namespace OrleansAttest.Fixtures;

/// <summary>Finds the checkout's root (the folder with OrleansAttest.sln) from a test's output directory.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrleansAttest.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"OrleansAttest.sln not found above {AppContext.BaseDirectory}");
    }
}
