namespace OrleansAttest.Benchmarks.Grains.Hosting;

/// <summary>A temporary directory for one run (Garnet data, redis-server data, child silo logs), removed on dispose unless kept.</summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(string purpose, bool keep = false)
    {
        Path = Directory.CreateTempSubdirectory($"orleansattest-bench-{purpose}-").FullName;
        Keep = keep;
    }

    public string Path { get; }

    /// <summary>Leave the directory behind (to read child silo logs after a run).</summary>
    public bool Keep { get; set; }

    public string Sub(string name)
    {
        var path = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        if (Keep)
            return;
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying child process: the OS temp cleaner takes it later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
