using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansAttest.Grains.Credentials;
using OrleansAttest.Grains.Hosting;
using OrleansAttest.Tpm.Credentials;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace OrleansAttest.Grains.Tests.Unit;

/// <summary>The embedded issuer's files (default, templates, source files) and the startup checks of OrleansAttest:Credentials.</summary>
public sealed class CredentialIssuerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, 123, TimeSpan.Zero);
    private static readonly CredentialRequest Request = new("edge-7", "boot", [0x00, 0x0B, .. new byte[32]]);

    private static ConfiguredCredentialIssuer Issuer(CredentialOptions options) =>
        new(MsOptions.Create(options), new FixedTime(Now), NullLogger<ConfiguredCredentialIssuer>.Instance);

    [Fact]
    public async Task Without_configured_files_each_issue_is_one_json_file_with_a_fresh_secret_valid_for_the_lifetime()
    {
        var issuer = Issuer(new CredentialOptions { Lifetime = TimeSpan.FromHours(2) });
        var first = await issuer.IssueAsync(Request, TestContext.Current.CancellationToken);
        var second = await issuer.IssueAsync(Request, TestContext.Current.CancellationToken);
        Assert.Equal(Now, first.IssuedAt);
        Assert.Equal(Now.AddHours(2), first.ExpiresAt);
        var file = Assert.Single(first.Files);
        Assert.Equal("node-credentials.json", file.Name);
        using var json = JsonDocument.Parse(file.Content);
        Assert.Equal("edge-7", json.RootElement.GetProperty("node").GetString());
        Assert.Equal("2026-11-30T14:00:00.123Z", json.RootElement.GetProperty("expiresAt").GetString());
        using var again = JsonDocument.Parse(second.Files[0].Content);
        Assert.NotEqual(json.RootElement.GetProperty("secret").GetString(), again.RootElement.GetProperty("secret").GetString());
        // What the issuer makes is a valid bundle.
        new CredentialBundle(first.Files, first.IssuedAt, first.ExpiresAt).Encode();
    }

    [Fact]
    public async Task Templates_are_filled_source_files_are_read_at_issue_time_and_a_missing_source_is_an_issue_error()
    {
        var source = Path.Combine(Path.GetTempPath(), $"cred-source-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(source, "first", TestContext.Current.CancellationToken);
        try
        {
            var issuer = Issuer(new CredentialOptions
            {
                Files =
                [
                    new CredentialFileOptions { Name = "bootstrap.env", Content = "NODE={node}\nFROM={issuedAt}\nUNTIL={expiresAt}\n" },
                    new CredentialFileOptions { Name = "ca.pem", SourcePath = source },
                ],
            });
            var issued = await issuer.IssueAsync(Request, TestContext.Current.CancellationToken);
            Assert.Equal("NODE=edge-7\nFROM=2026-11-30T12:00:00.123Z\nUNTIL=2026-12-01T12:00:00.123Z\n", Encoding.UTF8.GetString(issued.Files[0].Content));
            Assert.Equal("first", Encoding.UTF8.GetString(issued.Files[1].Content));
            await File.WriteAllTextAsync(source, "rotated", TestContext.Current.CancellationToken);
            Assert.Equal("rotated", Encoding.UTF8.GetString((await issuer.IssueAsync(Request, TestContext.Current.CancellationToken)).Files[1].Content));

            File.Delete(source);
            var e = await Assert.ThrowsAsync<CredentialIssueException>(() => issuer.IssueAsync(Request, TestContext.Current.CancellationToken));
            Assert.Contains("'ca.pem' cannot be read", e.Message);
        }
        finally
        {
            File.Delete(source);
        }
    }

    [Fact]
    public void The_defaults_are_valid_and_each_bad_value_is_named_with_its_key_and_reason_code()
    {
        Assert.Empty(CredentialOptionsValidator.Errors(new CredentialOptions()));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansAttest:Credentials:Lifetime"] = "00:00:00",
            ["OrleansAttest:Credentials:RenewBefore"] = "01:00:00",
            ["OrleansAttest:Credentials:Files:0:Name"] = "../escape",
            ["OrleansAttest:Credentials:Files:0:Content"] = "x",
            ["OrleansAttest:Credentials:Files:1:Name"] = "a.txt",
            ["OrleansAttest:Credentials:Files:2:Name"] = "a.txt",
            ["OrleansAttest:Credentials:Files:2:Content"] = "x",
            ["OrleansAttest:Credentials:Files:2:SourcePath"] = "/etc/hostname",
        }).Build();
        var errors = AttestationGrainsOptionsValidator.Errors(configuration, TimeSpan.FromMinutes(1));
        string[] expected =
        [
            "credentials-lifetime-invalid: OrleansAttest:Credentials:Lifetime",
            "credentials-renew-before-invalid: OrleansAttest:Credentials:RenewBefore",
            "credentials-file-name-invalid: OrleansAttest:Credentials:Files:0:Name",
            "credentials-file-source-invalid: OrleansAttest:Credentials:Files:1",
            "credentials-file-duplicate: OrleansAttest:Credentials:Files:2:Name",
            "credentials-file-source-invalid: OrleansAttest:Credentials:Files:2",
        ];
        Assert.Equal(expected.Length, errors.Count);
        foreach (var prefix in expected)
            Assert.Contains(errors, e => e.StartsWith(prefix, StringComparison.Ordinal));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
