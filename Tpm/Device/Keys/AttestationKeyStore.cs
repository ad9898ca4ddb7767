using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Device.Keys;

/// <summary>
/// Keeps the AK in a state directory as ak.pub (TPM2B_PUBLIC) and ak.priv (TPM2B_PRIVATE), the file formats of
/// tpm2_createak -u/-r, so the same AK is loaded again under the same EK after a reboot.
/// </summary>
public static class AttestationKeyStore
{
    public const string PublicFileName = "ak.pub";
    public const string PrivateFileName = "ak.priv";

    /// <summary>
    /// Loads the saved AK, or creates, saves and loads a new one when none is saved. A saved AK of another
    /// algorithm, or one the TPM refuses, is an error and is never silently replaced: a new AK means a new enrollment.
    /// </summary>
    public static async Task<AttestationKey> LoadOrCreateAsync(TpmClient client, EndorsementKey ek, string stateDirectory,
        TpmKeyAlgorithm algorithm = TpmKeyAlgorithm.Rsa, CancellationToken cancellationToken = default)
    {
        var saved = TryRead(stateDirectory);
        if (saved is not null)
        {
            if (saved.Algorithm != algorithm)
                throw new InvalidOperationException($"the AK saved in {stateDirectory} is {saved.Algorithm}, not the {algorithm} asked for; remove {PublicFileName} and {PrivateFileName} to make a new one (which needs a new enrollment)");
            return await client.LoadAttestationKeyAsync(ek, saved, isNew: false, cancellationToken);
        }
        var blob = await client.CreateAttestationKeyAsync(ek, algorithm, cancellationToken);
        Write(stateDirectory, blob);
        return await client.LoadAttestationKeyAsync(ek, blob, isNew: true, cancellationToken);
    }

    /// <summary>The saved AK, or null when ak.pub is absent (ak.pub is written last, so its presence marks a complete pair).</summary>
    public static AttestationKeyBlob? TryRead(string stateDirectory)
    {
        var publicPath = Path.Combine(stateDirectory, PublicFileName);
        var privatePath = Path.Combine(stateDirectory, PrivateFileName);
        if (!File.Exists(publicPath))
            return null;
        if (!File.Exists(privatePath))
            throw new InvalidOperationException($"{publicPath} exists but {privatePath} does not; the saved AK is incomplete");
        try
        {
            return new AttestationKeyBlob(File.ReadAllBytes(publicPath), File.ReadAllBytes(privatePath));
        }
        catch (TpmParseException e)
        {
            throw new InvalidOperationException($"the AK saved in {stateDirectory} is damaged: {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes both files atomically: each goes to a temporary file that is flushed to disk and then renamed over the
    /// target. A stale ak.pub is removed first and the new one renamed last, so a crash never leaves a mismatched pair.
    /// </summary>
    public static void Write(string stateDirectory, AttestationKeyBlob blob)
    {
        Directory.CreateDirectory(stateDirectory);
        var publicPath = Path.Combine(stateDirectory, PublicFileName);
        var privatePath = Path.Combine(stateDirectory, PrivateFileName);
        var publicTemp = WriteTemporary(stateDirectory, PublicFileName, blob.PublicBytes);
        var privateTemp = WriteTemporary(stateDirectory, PrivateFileName, blob.PrivateBytes);
        File.Delete(publicPath);
        File.Move(privateTemp, privatePath, overwrite: true);
        File.Move(publicTemp, publicPath, overwrite: true);
    }

    private static string WriteTemporary(string directory, string name, byte[] content)
    {
        var path = Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        return path;
    }
}
