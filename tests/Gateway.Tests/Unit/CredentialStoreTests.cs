using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansAttest.EdgeAgent.Credentials;
using OrleansAttest.Fixtures.Cluster;
using OrleansAttest.Tpm.Credentials;

namespace OrleansAttest.Gateway.Tests.Unit;

/// <summary>The agent's credential directory and hook: 0700/0600, replaced files, dropped files deleted, a hostile manifest ignored, a bad hook harmless.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CredentialStoreTests : IDisposable
{
    private readonly string _root = TestDirectory.Create("credential-store");

    private static CredentialBundle Bundle(params (string Name, string Content)[] files) =>
        new([.. files.Select(f => new CredentialBundleFile(f.Name, Encoding.UTF8.GetBytes(f.Content)))], DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1));

    [Fact]
    public async Task A_new_bundle_replaces_files_deletes_dropped_ones_and_revocation_deletes_everything()
    {
        var directory = Path.Combine(_root, "credentials");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101); // 0755 from an earlier install: tightened
        var store = new CredentialStore(directory, NullLogger.Instance);
        await store.StoreAsync(Bundle(("a.key", "one"), ("b.crt", "two")), TestContext.Current.CancellationToken);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal("one", await File.ReadAllTextAsync(Path.Combine(directory, "a.key"), TestContext.Current.CancellationToken));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "b.crt")));

        await store.StoreAsync(Bundle(("b.crt", "three"), ("c.env", "four")), TestContext.Current.CancellationToken);
        Assert.False(File.Exists(Path.Combine(directory, "a.key")));
        Assert.Equal("three", await File.ReadAllTextAsync(Path.Combine(directory, "b.crt"), TestContext.Current.CancellationToken));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "c.env")));
        Assert.Equal(["b.crt", "c.env"], store.ReadManifest().Order());
        Assert.DoesNotContain(Directory.GetFiles(directory), f => f.EndsWith(".tmp", StringComparison.Ordinal));

        // A manifest that names something outside the directory is not followed.
        var outside = Path.Combine(_root, "outside.txt");
        await File.WriteAllTextAsync(outside, "keep me", TestContext.Current.CancellationToken);
        await File.AppendAllTextAsync(Path.Combine(directory, CredentialStore.ManifestName), "../outside.txt\n", TestContext.Current.CancellationToken);
        Assert.Equal(2, store.DeleteAll());
        Assert.Empty(Directory.GetFiles(directory));
        Assert.True(File.Exists(outside));
    }

    [Fact]
    public async Task The_hook_gets_its_environment_a_failing_one_reports_its_exit_code_and_a_hanging_one_is_killed()
    {
        var log = Path.Combine(_root, "hook.log");
        var hook = new CredentialHook($"echo \"$ORLEANSATTEST_EVENT $ORLEANSATTEST_NODE $ORLEANSATTEST_REASON $ORLEANSATTEST_CREDENTIALS_DIR\" > '{log}'",
            "edge-9", "/var/creds", TimeSpan.FromSeconds(10), NullLogger.Instance);
        Assert.Equal(0, await hook.RunAsync(CredentialHook.Revoked, "pcr-value-not-allowed", TestContext.Current.CancellationToken));
        Assert.Equal("revoked edge-9 pcr-value-not-allowed /var/creds", (await File.ReadAllTextAsync(log, TestContext.Current.CancellationToken)).Trim());

        var failing = new CredentialHook("exit 3", "edge-9", "/var/creds", TimeSpan.FromSeconds(10), NullLogger.Instance);
        Assert.Equal(3, await failing.RunAsync(CredentialHook.Stored, "", TestContext.Current.CancellationToken));

        var hanging = new CredentialHook("sleep 30", "edge-9", "/var/creds", TimeSpan.FromMilliseconds(300), NullLogger.Instance);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Null(await hanging.RunAsync(CredentialHook.Stored, "", TestContext.Current.CancellationToken));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the hanging hook held the agent for {watch.Elapsed}");

        var none = new CredentialHook(null, "edge-9", "/var/creds", TimeSpan.FromSeconds(1), NullLogger.Instance);
        Assert.Null(await none.RunAsync(CredentialHook.Stored, "", TestContext.Current.CancellationToken));
    }

    public void Dispose() => TestDirectory.TryDelete(_root);
}
