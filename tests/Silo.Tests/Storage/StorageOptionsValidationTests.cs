using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansAttest.Silo.Hosting;
using OrleansAttest.Silo.Storage;

namespace OrleansAttest.Silo.Tests.Storage;

public sealed class StorageOptionsValidationTests
{
    [Fact]
    public void The_defaults_are_valid_and_mean_embedded_garnet_with_localhost_clustering()
    {
        var options = new StorageOptions();
        Assert.Empty(StorageOptionsValidator.Errors(options));
        Assert.Equal(StorageMode.Embedded, options.Mode);
        Assert.Equal(ClusteringMode.Localhost, options.EffectiveClustering);
        Assert.True(Path.IsPathFullyQualified(options.DataDirectoryFullPath));
        Assert.Equal("127.0.0.1:6380", options.EffectiveConnectionString);
    }

    [Fact]
    public void Redis_mode_without_a_connection_string_is_refused_by_the_silo_builder_with_the_key_to_set()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        var error = Assert.Throws<OptionsValidationException>(() =>
            builder.UseOrleans(silo => silo.UseOrleansAttestStorage(new StorageOptions { Mode = StorageMode.Redis })));
        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("storage-connection-string-missing: OrleansAttest:Storage:ConnectionString is required", failure);
        Assert.Contains("OrleansAttest__Storage__ConnectionString", failure);
    }

    [Theory]
    [InlineData(StorageMode.Redis, "host-without-port:not-a-port", "storage-connection-string-invalid")]
    [InlineData(StorageMode.Redis, ",,,", "storage-connection-string-invalid")]
    [InlineData(StorageMode.Embedded, "redis:6379", "storage-connection-string-unused")]
    public void Unusable_connection_strings_are_named(StorageMode mode, string connectionString, string reasonCode)
    {
        var errors = StorageOptionsValidator.Errors(new StorageOptions { Mode = mode, ConnectionString = connectionString });
        Assert.Contains(errors, e => e.StartsWith(reasonCode + ": ", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_embedded_setting_out_of_range_is_reported_at_once()
    {
        var errors = StorageOptionsValidator.Errors(new StorageOptions
        {
            DataDirectory = " ", GarnetPort = 70000, GarnetMemory = "", GarnetIndex = "", CheckpointIntervalSeconds = -1,
        });
        Assert.Equal(
            ["storage-data-directory-missing", "storage-garnet-port-invalid", "storage-garnet-memory-missing", "storage-garnet-index-missing", "storage-checkpoint-interval-invalid"],
            errors.Select(e => e[..e.IndexOf(':')]));
    }

    [Fact]
    public void Host_settings_bind_environment_style_keys_and_report_unconvertible_values()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansAttest:Storage:Mode"] = "Redis",
            ["OrleansAttest:Storage:ConnectionString"] = "redis.example:6379,password=secret",
            ["OrleansAttest:Silo:ServiceId"] = "fleet",
            ["OrleansAttest:Dashboard:Enabled"] = "false",
            ["OrleansAttest:Admin:Token"] = "a-token-long-enough-for-the-check",
        }).Build();
        var settings = HostSettings.Read(configuration);
        Assert.Equal(StorageMode.Redis, settings.Storage.Mode);
        Assert.Equal(ClusteringMode.Redis, settings.Storage.EffectiveClustering);
        Assert.Equal("fleet", settings.Silo.ServiceId);
        Assert.False(settings.Dashboard.Enabled);

        var broken = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansAttest:Storage:Mode"] = "Cassandra",
            ["OrleansAttest:Silo:HttpPort"] = "11111",
        }).Build();
        var error = Assert.Throws<OptionsValidationException>(() => HostSettings.Read(broken));
        Assert.Contains(error.Failures, f => f.StartsWith("configuration-value-invalid: ", StringComparison.Ordinal) && f.Contains("OrleansAttest:Storage:Mode"));
    }

    [Fact]
    public void Port_clashes_between_silo_http_dashboard_and_garnet_are_refused()
    {
        var settings = new HostSettings(
            new SiloHostOptions { HttpPort = 9000 },
            new DashboardHostOptions { Port = 30000, Path = "dashboard" },
            new StorageOptions { GarnetPort = 9000 });
        var codes = HostSettingsValidator.Errors(settings).Select(e => e[..e.IndexOf(':')]).ToList();
        Assert.Contains("dashboard-path-invalid", codes);
        Assert.Contains("dashboard-port-conflict", codes);
        Assert.Contains("storage-garnet-port-conflict", codes);
    }
}
