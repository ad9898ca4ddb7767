using Microsoft.Extensions.Logging;
using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.EdgeAgent.Credentials;

/// <summary>
/// The credential directory (mode 0700): each file written atomically with mode 0600 (a temporary file in the same
/// directory, fsync, rename over the old one), so a reader sees the old or the new file, never half of one. The
/// names of the current bundle are kept in <c>.manifest</c> (bundle names never start with a dot), so files of an
/// earlier bundle that the new one drops, and everything on revocation, can be deleted without guessing.
/// </summary>
public sealed class CredentialStore(string directory, ILogger logger)
{
    public const string ManifestName = ".manifest";
    private const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public string Directory { get; } = directory;

    /// <summary>Creates the directory with mode 0700, or tightens an existing one to it.</summary>
    public void EnsureDirectory()
    {
        if (OperatingSystem.IsWindows())
            System.IO.Directory.CreateDirectory(Directory);
        else if (!System.IO.Directory.Exists(Directory))
            System.IO.Directory.CreateDirectory(Directory, PrivateDirectoryMode);
        else if (File.GetUnixFileMode(Directory) != PrivateDirectoryMode)
            File.SetUnixFileMode(Directory, PrivateDirectoryMode);
    }

    /// <summary>Writes every file of <paramref name="bundle"/>, then deletes the previous bundle's files that it does not have.</summary>
    public async Task StoreAsync(CredentialBundle bundle, CancellationToken cancellationToken)
    {
        EnsureDirectory();
        var previous = ReadManifest();
        foreach (var file in bundle.Files)
            await WriteAtomicallyAsync(file.Name, file.Content, cancellationToken);
        var names = bundle.Files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        await WriteAtomicallyAsync(ManifestName, System.Text.Encoding.UTF8.GetBytes(string.Join('\n', names) + "\n"), cancellationToken);
        foreach (var old in previous.Where(n => !names.Contains(n)))
            DeleteFile(old);
    }

    /// <summary>Deletes every credential file and the manifest; returns how many credential files were deleted.</summary>
    public int DeleteAll()
    {
        int deleted = 0;
        foreach (var name in ReadManifest())
        {
            if (DeleteFile(name))
                deleted++;
        }
        DeleteFile(ManifestName);
        return deleted;
    }

    /// <summary>Names of the stored bundle's files (only valid names, so a tampered manifest cannot point outside the directory).</summary>
    public IReadOnlyList<string> ReadManifest()
    {
        var path = Path.Combine(Directory, ManifestName);
        if (!File.Exists(path))
            return [];
        return File.ReadAllLines(path).Where(n => n.Length > 0 && CredentialBundle.NameProblem(n) is null).ToList();
    }

    private async Task WriteAtomicallyAsync(string name, byte[] content, CancellationToken cancellationToken)
    {
        var target = Path.Combine(Directory, name);
        var temporary = Path.Combine(Directory, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = PrivateFileMode;
            await using (var stream = new FileStream(temporary, options))
            {
                await stream.WriteAsync(content, cancellationToken);
                // Durable before the rename: after a power loss the name points at the whole new file or the old one.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private bool DeleteFile(string name)
    {
        var path = Path.Combine(Directory, name);
        if (!File.Exists(path))
            return false;
        File.Delete(path);
        return true;
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "The temporary credential file {Path} could not be removed", path);
        }
    }
}
